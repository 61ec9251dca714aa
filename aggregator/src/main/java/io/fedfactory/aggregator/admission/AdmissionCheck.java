package io.fedfactory.aggregator.admission;

import java.util.Arrays;
import java.util.List;

/** The checks a module passes before it is admitted, in the order they run. */
public enum AdmissionCheck {
    /** Kind, classes, image spec, sampler parameters and site id agree with the federation. */
    MANIFEST("manifest"),
    /** The memorization report and DP guarantee meet the federation's privacy policy and agree with themselves. */
    PRIVACY_POLICY("privacy_policy"),
    /** The SHA-256 of the received bytes equals manifest.content_sha256. */
    CONTENT_HASH("content_hash"),
    /** ONNX Runtime creates a session from the bytes. */
    ONNX_LOADS("onnx_loads"),
    /** Input and output names, types and shapes match the kind and the federation's image spec. */
    IO_SIGNATURE("io_signature"),
    /** A seeded probe run gives finite outputs only. */
    PROBE_FINITE("probe_finite"),
    /** The probe's outputs lie in the federation's value range (widened for a denoiser). */
    PROBE_RANGE("probe_range");

    private final String id;

    AdmissionCheck(String id) {
        this.id = id;
    }

    /** The name used in errors, events and receipts. */
    public String id() {
        return id;
    }

    /** Every check name, in order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(AdmissionCheck::id).toList();
    }
}
