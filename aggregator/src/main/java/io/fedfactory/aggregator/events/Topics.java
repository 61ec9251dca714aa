package io.fedfactory.aggregator.events;

/** Kafka topics of fedfactory events (see proto/fedfactory/v1/events.proto). */
public final class Topics {
    /** FederationOpened, FederationClosed, SiteMetricsReported; key: federation id. */
    public static final String FEDERATIONS = "fedfactory.federations";
    /** ModuleAdmitted, ModuleRejected, ModuleDeleted; compacted; key: module id. */
    public static final String MODULES = "fedfactory.modules";
    /** SynthesisProgress, TrainingProgress; key: federation id. */
    public static final String PROGRESS = "fedfactory.progress";
    /** ModelPublished, ModelRevoked; key: model version. */
    public static final String MODELS = "fedfactory.models";
    /** Deletions and CertificateIssued (key: certificate id); AuditRecord (key: federation id, or "-"). */
    public static final String AUDIT = "fedfactory.audit";

    private Topics() {
    }
}
