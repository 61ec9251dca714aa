package io.fedfactory.aggregator.admission;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModuleManifest;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Decides whether a module may join a federation, running every {@link AdmissionCheck} in order and
 * stopping at the first that fails ({@link ModuleRejectedException} names it).
 *
 * <p>At most {@code maxConcurrent} modules are loaded into ONNX Runtime at once: a module may be tens
 * of megabytes and its session several times that.
 */
public final class ModuleAdmission {

    private final OnnxProbe probe;
    private final Semaphore sessions;

    public ModuleAdmission(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("fedfactory.admission.max-concurrent must be >= 1, got " + maxConcurrent);
        }
        this.probe = new OnnxProbe();
        this.sessions = new Semaphore(maxConcurrent, true);
    }

    /** The {@code manifest} check alone: run as soon as an upload's header arrives, before any bytes. */
    public void checkManifest(FederationSpec spec, ModuleManifest manifest) {
        ManifestCheck.check(spec, manifest);
        PrivacyPolicyCheck.check(spec, manifest);
    }

    /**
     * Runs every check on the complete bytes in {@code onnx}.
     *
     * @return the names of the checks passed, in order (all of them)
     * @throws ModuleRejectedException naming the first check that failed
     */
    public List<String> admit(FederationSpec spec, ModuleManifest manifest, Path onnx) {
        return admit(spec, manifest, onnx, ContentHash.sha256Hex(onnx));
    }

    /**
     * {@link #admit(FederationSpec, ModuleManifest, Path)} for bytes whose SHA-256 was computed as they
     * were received and written to {@code onnx} ({@code receivedSha256}), so they are not read again to hash them.
     */
    public List<String> admit(FederationSpec spec, ModuleManifest manifest, Path onnx, String receivedSha256) {
        checkManifest(spec, manifest);
        String actual = receivedSha256;
        if (!actual.equals(manifest.getContentSha256())) {
            throw new ModuleRejectedException(AdmissionCheck.CONTENT_HASH, "SHA-256 of the received bytes is " + actual
                    + " but manifest.content_sha256 is " + manifest.getContentSha256())
                    .with(io.fedfactory.proto.errors.TypedErrors.FIELD, "manifest.content_sha256")
                    .with(io.fedfactory.proto.errors.TypedErrors.VALUE, manifest.getContentSha256())
                    .with(io.fedfactory.proto.errors.TypedErrors.LIMIT, actual);
        }
        sessions.acquireUninterruptibly();
        try {
            probe.check(onnx, spec, manifest);
        } finally {
            sessions.release();
        }
        return AdmissionCheck.ids();
    }
}
