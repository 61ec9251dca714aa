package io.fedfactory.aggregator.store;

/** Kinds of records in the {@link RecordStore}; one folder each. */
public final class RecordKinds {
    /** {@code StoredFederation}, id: federation id. */
    public static final String FEDERATIONS = "federations";
    /** {@code StoredModule}, id: module id (SHA-256 of its bytes). */
    public static final String MODULES = "modules";
    /** {@code StoredUpload}, id: upload id. */
    public static final String UPLOADS = "uploads";
    /** Reserved for model versions ({@code ModelVersionInfo}), id: version. */
    public static final String MODEL_VERSIONS = "model-versions";
    /** Reserved for unlearning certificates ({@code UnlearningCertificate}), id: certificate id. */
    public static final String CERTIFICATES = "certificates";

    /** Blob namespace of module ONNX bytes. */
    public static final String MODULE_BLOBS = "modules";

    private RecordKinds() {
    }
}
