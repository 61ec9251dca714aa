package io.fedfactory.contracts;

/** The {@code EventHeader.type} of every fedfactory event, reverse-DNS (see events.proto). */
public final class EventTypes {
    public static final String FEDERATION_OPENED = "io.fedfactory.federation.opened";
    public static final String FEDERATION_CLOSED = "io.fedfactory.federation.closed";
    public static final String SITE_METRICS = "io.fedfactory.site.metrics";
    public static final String MODULE_ADMITTED = "io.fedfactory.module.admitted";
    public static final String MODULE_REJECTED = "io.fedfactory.module.rejected";
    public static final String MODULE_DELETED = "io.fedfactory.module.deleted";
    public static final String SYNTHESIS_PROGRESS = "io.fedfactory.synthesis.progress";
    public static final String TRAINING_PROGRESS = "io.fedfactory.training.progress";
    public static final String MODEL_PUBLISHED = "io.fedfactory.model.published";
    public static final String MODEL_REVOKED = "io.fedfactory.model.revoked";
    public static final String CERTIFICATE_ISSUED = "io.fedfactory.certificate.issued";
    public static final String AUDIT_RECORD = "io.fedfactory.audit.record";

    private EventTypes() {
    }
}
