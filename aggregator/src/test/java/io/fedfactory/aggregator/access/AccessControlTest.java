package io.fedfactory.aggregator.access;

import io.fedfactory.aggregator.fixtures.BrokerRecords;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.AuditEntry;
import io.fedfactory.proto.v1.CloseFederationRequest;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListAuditRecordsRequest;
import io.fedfactory.proto.v1.ModelDownloadRequest;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.SiteMetricsReport;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.security.Credential;
import io.fedfactory.security.Identity;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;

import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoder;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoderManifest;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access control over real mutual TLS on loopback: each refusal names why, and nothing changes (no
 * federation, no module, no state change, no event but the audit record).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class AccessControlTest {

    static final String CREATE = "fedfactory.v1.FederationAdmin/CreateFederation";

    @Inject
    AggregatorStore store;

    @Test
    void foreignExpiredAbsentAndPlaintextCredentialsNeverReachAService() {
        Function<String, CreateFederationRequest> create =
                id -> CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(id)).build();
        Credential foreign = TestPki.foreign(TestPki.COORDINATOR);
        Credential expired = TestPki.issue(TestPki.COORDINATOR, Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1));
        List<ManagedChannel> channels = List.of(Clients.channel(foreign), Clients.channel(expired),
                Clients.withoutCertificate(), Clients.plaintext());
        long auditBefore = auditCount();
        for (int i = 0; i < channels.size(); i++) {
            String fed = "fed-refused-tls-" + i;
            var stub = FederationAdminGrpc.newBlockingStub(channels.get(i)).withDeadlineAfter(Duration.ofSeconds(20));
            var e = assertThrows(StatusRuntimeException.class, () -> stub.createFederation(create.apply(fed)), fed);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), fed + ": " + e.getStatus());
            if (i < 3) assertTrue(causedBy(e, SSLException.class), fed + ": a TLS failure, got " + e);
            assertTrue(store.federation(fed).isEmpty(), fed + " must not exist");
            assertTrue(BrokerRecords.now("fedfactory.federations", fed).isEmpty(), fed + ": no event");
            channels.get(i).shutdownNow();
        }
        // The handshake failed: no call, so not even an audit record.
        assertEquals(auditBefore, auditCount());
        // The genuine coordinator still gets through.
        Clients.coordinator().createFederation(create.apply("fed-refused-tls-ok"));
    }

    @Test
    void aSiteUploadsOnlyAsItselfAndOnlyWhereEnrolled() {
        String fed = federation("fed-sites");
        byte[] onnx = decoder(501);
        // site-a's certificate, site-b's module.
        UploadHeader asB = header(fed, "as-b-" + UUID.randomUUID(), decoderManifest(onnx, "site-b", "cat"), onnx.length);
        var e = assertThrows(StatusRuntimeException.class,
                () -> UploadCall.upload(Clients.upload("site-a"), asB, onnx, 0, 1024));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertDenied(e, "header.manifest.site_id", "site-b", "site-a");
        nothingStored(asB);
        assertAudited(fed, "site:site-a", "fedfactory.v1.ModuleUpload/Upload", "PERMISSION_DENIED");

        // site-z has a certificate of the federation's CA but is not enrolled.
        UploadHeader notEnrolled = header(fed, "site-z-" + UUID.randomUUID(), decoderManifest(onnx, "site-z", "cat"), onnx.length);
        e = assertThrows(StatusRuntimeException.class, () -> UploadCall.upload(notEnrolled, onnx, 0, 1024));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertDenied(e, "header.federation_id", fed, "spec.enrolled_site_ids");
        nothingStored(notEnrolled);
        e = assertThrows(StatusRuntimeException.class, () -> Clients.admin(Identity.site("site-z"))
                .getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());

        // An oversized module is refused naming the limit, before any byte is kept.
        UploadHeader huge = header(fed, "huge-" + UUID.randomUUID(), decoderManifest(onnx, "site-a", "cat"), 67108865);
        e = assertThrows(StatusRuntimeException.class, () -> UploadCall.upload(huge, onnx, 0, 1024));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("TOTAL_BYTES", TypedErrors.reason(e));
        assertEquals(Map.of(TypedErrors.FIELD, "header.total_bytes", TypedErrors.VALUE, "67108865",
                TypedErrors.LIMIT, "fedfactory.upload.max-module-bytes=67108864"), TypedErrors.info(e).orElseThrow().getMetadataMap());
        nothingStored(huge);

        // The enrolled site uploading as itself is admitted.
        String own = "own-" + UUID.randomUUID();
        UploadCall.upload(header(fed, own, decoderManifest(onnx, "site-a", "cat"), onnx.length), onnx, 0, 1024);
        assertEquals(ModuleState.MODULE_STATE_ADMITTED, store.module(ModuleFixtures.sha256(onnx)).orElseThrow().getRecord().getState());

        // Another site may not look at it, report as it, or (not enrolled) download the federation's models.
        e = assertThrows(StatusRuntimeException.class, () -> Clients.uploadBlocking("site-b")
                .getUploadOffset(UploadOffsetRequest.newBuilder().setUploadId(own).build()));
        assertDenied(e, "upload_id", own, null);
        e = assertThrows(StatusRuntimeException.class, () -> Clients.admin(Identity.site("site-a")).reportSiteMetrics(
                SiteMetricsReport.newBuilder().setFederationId(fed).setSiteId("site-b").setVersion(fed + "-v1").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertTrue(store.federation(fed).orElseThrow().getSiteMetricsMap().isEmpty());
        e = assertThrows(StatusRuntimeException.class, () -> Clients.models(Identity.site("site-z"))
                .download(ModelDownloadRequest.newBuilder().setFederationId(fed).build()).hasNext());
        assertDenied(e, "federation_id", fed, "spec.enrolled_site_ids");
    }

    @Test
    void rolesAreEnforcedOnEveryAdministrativeCall() {
        String fed = federation("fed-roles");
        byte[] onnx = decoder(502);
        String module = UploadCall.upload(header(fed, "roles-" + UUID.randomUUID(), decoderManifest(onnx, "site-a", "cat"),
                onnx.length), onnx, 0, 1024).getModuleId();

        var e = assertThrows(StatusRuntimeException.class, () -> Clients.admin(Identity.site("site-a")).deleteModules(
                DeleteModulesRequest.newBuilder().setFederationId(fed).addModuleIds(module).setReason("mine").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertDenied(e, "role", "site", "auditor");
        assertEquals(ModuleState.MODULE_STATE_ADMITTED, store.module(module).orElseThrow().getRecord().getState());
        assertTrue(BrokerRecords.events("fedfactory.modules", module).stream().noneMatch(Event::hasModuleDeleted));

        e = assertThrows(StatusRuntimeException.class, () -> Clients.auditor().startTraining(
                StartTrainingRequest.newBuilder().setFederationId(fed).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertDenied(e, "role", "auditor", "coordinator");
        assertEquals(FederationState.FEDERATION_STATE_OPEN, store.federation(fed).orElseThrow().getState());

        // requested_by is the caller's identity: naming someone else is refused.
        e = assertThrows(StatusRuntimeException.class, () -> Clients.auditor().deleteModules(DeleteModulesRequest.newBuilder()
                .setFederationId(fed).addModuleIds(module).setReason("x").setRequestedBy("auditor:someone-else").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertDenied(e, "requested_by", "auditor:someone-else", "auditor:auditor");
        assertEquals(ModuleState.MODULE_STATE_ADMITTED, store.module(module).orElseThrow().getRecord().getState());

        e = assertThrows(StatusRuntimeException.class, () -> Clients.auditTrail(TestPki.COORDINATOR)
                .listAuditRecords(ListAuditRecordsRequest.getDefaultInstance()));
        assertDenied(e, "role", "coordinator", "auditor");

        List<AuditEntry> trail = audit(fed);
        assertTrue(trail.stream().anyMatch(a -> a.getRecord().getActor().equals("site:site-a")
                && a.getRecord().getAction().endsWith("/DeleteModules") && a.getRecord().getReason().equals("mine")
                && a.getRecord().getTarget().equals(fed + "," + module)), trail.toString());
        assertTrue(trail.stream().anyMatch(a -> a.getRecord().getActor().equals("auditor:auditor")
                && a.getRecord().getAction().endsWith("/StartTraining") && a.getRecord().getOutcome().equals("PERMISSION_DENIED")));
    }

    @Test
    void administrativeActionsAreAuditedOnTheTopicAndInTheTrail() {
        String fed = federation("fed-audited");
        Clients.coordinator().closeFederation(CloseFederationRequest.newBuilder().setFederationId(fed).build());

        List<AuditEntry> trail = audit(fed);
        assertEquals(List.of(CREATE, "fedfactory.v1.FederationAdmin/CloseFederation"),
                trail.stream().map(a -> a.getRecord().getAction()).toList());
        for (AuditEntry a : trail) {
            assertEquals("coordinator:coordinator", a.getRecord().getActor());
            assertEquals(fed, a.getRecord().getTarget());
            assertEquals("OK", a.getRecord().getOutcome());
            assertTrue(Instant.parse(a.getRecord().getTime()).isAfter(Instant.now().minusSeconds(120)));
        }
        List<Event> events = BrokerRecords.events("fedfactory.audit", fed);
        assertEquals(trail.stream().map(AuditEntry::getRecord).toList(),
                events.stream().filter(Event::hasAuditRecord).map(Event::getAuditRecord).toList());
        assertEquals("io.fedfactory.audit.record", events.get(0).getHeader().getType());

        // Enrollment is validated when the federation is created.
        FederationSpec bad = ModuleFixtures.spec("fed-bad-enrollment").toBuilder().addEnrolledSiteIds("Site A").build();
        var e = assertThrows(StatusRuntimeException.class,
                () -> Clients.coordinator().createFederation(CreateFederationRequest.newBuilder().setSpec(bad).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("INVALID_SPEC", TypedErrors.reason(e));
        assertEquals(Map.of(TypedErrors.FIELD, "spec.enrolled_site_ids[13]", TypedErrors.VALUE, "Site A",
                TypedErrors.LIMIT, "[a-z0-9][a-z0-9._-]{0,62}"), TypedErrors.info(e).orElseThrow().getMetadataMap());
        FederationSpec crowded = ModuleFixtures.spec("fed-crowded").toBuilder().clearEnrolledSiteIds()
                .addAllEnrolledSiteIds(IntStream.range(0, 10_001).mapToObj(i -> "s" + i).toList()).build();
        e = assertThrows(StatusRuntimeException.class,
                () -> Clients.coordinator().createFederation(CreateFederationRequest.newBuilder().setSpec(crowded).build()));
        assertEquals("INVALID_SPEC", TypedErrors.reason(e));
        assertEquals(Map.of(TypedErrors.FIELD, "spec.enrolled_site_ids", TypedErrors.VALUE, "10001", TypedErrors.LIMIT, "10000"),
                TypedErrors.info(e).orElseThrow().getMetadataMap());
        assertTrue(store.federation("fed-crowded").isEmpty());
    }

    /** A PERMISSION_DENIED refusal naming the field at fault, the value it held and the rule ({@code limit}; null: none). */
    private static void assertDenied(StatusRuntimeException e, String field, String value, String limit) {
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals("PERMISSION_DENIED", TypedErrors.reason(e));
        Map<String, String> expected = new java.util.HashMap<>(Map.of(TypedErrors.FIELD, field, TypedErrors.VALUE, value));
        if (limit != null) expected.put(TypedErrors.LIMIT, limit);
        assertEquals(expected, TypedErrors.info(e).orElseThrow().getMetadataMap());
    }

    private String federation(String prefix) {
        String fed = prefix + "-" + (System.nanoTime() % 1_000_000);
        Clients.coordinator().createFederation(CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(fed)).build());
        return fed;
    }

    private void nothingStored(UploadHeader h) {
        assertTrue(store.module(h.getManifest().getContentSha256()).isEmpty(), "no module stored");
        assertTrue(store.upload(h.getUploadId()).isEmpty(), "no upload record");
        assertEquals(0, store.parts().length(h.getUploadId()), "no partial bytes");
    }

    private static List<AuditEntry> audit(String fed) {
        return Clients.auditTrail(TestPki.AUDITOR)
                .listAuditRecords(ListAuditRecordsRequest.newBuilder().setFederationId(fed).build()).getEntriesList();
    }

    private static long auditCount() {
        return Clients.auditTrail(TestPki.AUDITOR).listAuditRecords(ListAuditRecordsRequest.getDefaultInstance()).getNextIndex();
    }

    private static void assertAudited(String fed, String actor, String action, String outcome) {
        assertTrue(audit(fed).stream().anyMatch(a -> a.getRecord().getActor().equals(actor)
                && a.getRecord().getAction().equals(action) && a.getRecord().getOutcome().equals(outcome)
                && !a.getRecord().getDetail().isEmpty()), actor + " " + action + " " + outcome + " must be audited");
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }
}
