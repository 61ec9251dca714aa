package io.fedfactory.contracts;

import java.util.List;

/** Kafka topics of fedfactory events, each carrying {@code fedfactory.v1.Event} (see events.proto). */
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

    /** Every topic, in the order above. */
    public static final List<String> ALL = List.of(FEDERATIONS, MODULES, PROGRESS, MODELS, AUDIT);

    private Topics() {
    }
}
