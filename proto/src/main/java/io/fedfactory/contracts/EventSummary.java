package io.fedfactory.contracts;

import io.fedfactory.proto.v1.Event;

/** One human line per event: what `fedfactory-admin events` prints and the console shows. */
public final class EventSummary {

    public static String of(Event e) {
        String head = e.getHeader().getTime() + " " + e.getHeader().getFederationId() + " ";
        return head + switch (e.getPayloadCase()) {
            case FEDERATION_OPENED -> "federation opened: " + e.getFederationOpened().getSpec().getLabelNamesCount() + " classes";
            case FEDERATION_CLOSED -> "federation closed (" + e.getFederationClosed().getReason() + "), "
                    + e.getFederationClosed().getModules() + " modules";
            case MODULE_ADMITTED -> "module admitted " + shortId(e.getModuleAdmitted().getModuleId()) + " from "
                    + e.getModuleAdmitted().getManifest().getSiteId() + " " + e.getModuleAdmitted().getManifest().getClassesList();
            case MODULE_REJECTED -> "module rejected from " + e.getModuleRejected().getSiteId() + ": "
                    + e.getModuleRejected().getFailedCheck() + ": " + e.getModuleRejected().getMessage();
            case MODULE_DELETED -> "module deleted " + shortId(e.getModuleDeleted().getModuleId()) + " ("
                    + e.getModuleDeleted().getReason() + ")";
            case SYNTHESIS_PROGRESS -> String.format("synthesis %.0f%% (%d/%d samples, ETA %.0f s)",
                    e.getSynthesisProgress().getPercent(), e.getSynthesisProgress().getSamplesDone(),
                    e.getSynthesisProgress().getSamplesTotal(), e.getSynthesisProgress().getEtaSeconds());
            case TRAINING_PROGRESS -> String.format("training %.0f%% epoch %d/%d loss %.4f (ETA %.0f s)",
                    e.getTrainingProgress().getPercent(), e.getTrainingProgress().getEpoch(),
                    e.getTrainingProgress().getEpochs(), e.getTrainingProgress().getLoss(),
                    e.getTrainingProgress().getEtaSeconds());
            case MODEL_PUBLISHED -> "model published " + e.getModelPublished().getInfo().getVersion() + " from "
                    + e.getModelPublished().getInfo().getLineageCount() + " modules";
            case MODEL_REVOKED -> "model revoked " + e.getModelRevoked().getVersion() + " (" + e.getModelRevoked().getReason() + ")";
            case CERTIFICATE_ISSUED -> "certificate issued " + e.getCertificateIssued().getCertificate().getCertificateId()
                    + " new version " + e.getCertificateIssued().getCertificate().getNewVersion();
            case SITE_METRICS_REPORTED -> String.format("site %s reports accuracy %.4f on %s",
                    e.getSiteMetricsReported().getReport().getSiteId(),
                    e.getSiteMetricsReported().getReport().getMetrics().getAccuracy(),
                    e.getSiteMetricsReported().getReport().getVersion());
            case AUDIT_RECORD -> "audit: " + e.getAuditRecord().getActor() + " " + e.getAuditRecord().getAction()
                    + " " + e.getAuditRecord().getTarget() + " -> " + e.getAuditRecord().getOutcome()
                    + (e.getAuditRecord().getDetail().isEmpty() ? "" : " (" + e.getAuditRecord().getDetail() + ")");
            case PAYLOAD_NOT_SET -> "event without payload (" + e.getHeader().getType() + ")";
        };
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private EventSummary() {
    }
}
