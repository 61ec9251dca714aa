package io.fedfactory.aggregator.upload;

import io.fedfactory.aggregator.fixtures.BrokerRecords;
import io.fedfactory.aggregator.fixtures.EarlierStore;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.PartWriter;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.aggregator.store.records.StoredUpload;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.fedfactory.proto.v1.UploadReceipt;
import io.fedfactory.proto.v1.AuditEntry;
import io.fedfactory.proto.v1.AuditRecord;
import io.fedfactory.proto.v1.CloseFederationRequest;
import io.fedfactory.proto.v1.ListAuditRecordsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoder;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoderManifest;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service starting on a data directory an earlier aggregator left behind: an open and a closed
 * federation, an admitted module, one whose announcement the broker never acknowledged, and an
 * upload cut off after 1000 bytes.
 */
@QuarkusTest
@TestProfile(RestartRecoveryTest.EarlierRun.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class RestartRecoveryTest {

    static final String OPEN = "fed-restored";
    static final String CLOSED = "fed-restored-closed";
    static final byte[] ADMITTED = decoder(41);
    static final byte[] UNANNOUNCED = decoder(42);
    static final byte[] PARTIAL = decoder(43);
    static final List<AuditEntry> EARLIER_AUDIT = List.of(
            earlierAudit(0, "fedfactory.v1.FederationAdmin/CreateFederation", "OK"),
            earlierAudit(1, "fedfactory.v1.FederationAdmin/CloseFederation", "OK"));
    static final UploadHeader PARTIAL_HEADER =
            header(OPEN, "earlier-upload-1", decoderManifest(PARTIAL, "site-c", "owl"), PARTIAL.length);

    /** Writes the earlier run's state with the store alone (as the previous process would have) before the start. */
    public static class EarlierRun implements QuarkusTestProfile {
        private static Path dir;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fedfactory.aggregator.data-dir", seeded().toString());
        }

        static synchronized Path seeded() {
            if (dir != null) return dir;
            dir = EarlierStore.seed("aggregator-earlier-run-", store -> {
                store.putFederation(StoredFederation.newBuilder().setSpec(ModuleFixtures.spec(OPEN))
                        .setState(FederationState.FEDERATION_STATE_OPEN).setOpenedAt("2026-11-20T08:00:00Z")
                        .setAnnounced(true).build());
                store.putFederation(StoredFederation.newBuilder().setSpec(ModuleFixtures.spec(CLOSED))
                        .setState(FederationState.FEDERATION_STATE_CLOSED).setCloseReason("manual")
                        .setOpenedAt("2026-11-20T08:00:00Z").setClosedAt("2026-11-20T09:00:00Z")
                        .setAnnounced(true).build());
                EarlierStore.admit(store, OPEN, ADMITTED, "site-a", "cat", "earlier-site-a", "2026-11-20T08:10:00Z", true);
                EarlierStore.admit(store, OPEN, UNANNOUNCED, "site-b", "dog", "earlier-site-b", "2026-11-20T08:15:00Z", false);
                store.putUpload(StoredUpload.newBuilder().setHeader(PARTIAL_HEADER).setStartedAt("2026-11-20T08:30:00Z").build());
                try (PartWriter w = store.parts().append(PARTIAL_HEADER.getUploadId(), 0)) {
                    w.append(ModuleFixtures.slice(PARTIAL, 0, 1000));
                }
            });
            writeEarlierAuditTrail(dir.resolve("audit").resolve("audit.log"));
            return dir;
        }

        /** Two records the earlier aggregator kept, then a third torn by the crash (never acknowledged). */
        private static void writeEarlierAuditTrail(Path log) {
            try {
                Files.createDirectories(log.getParent());
                var out = new java.io.ByteArrayOutputStream();
                for (AuditEntry e : EARLIER_AUDIT) e.writeDelimitedTo(out);
                var torn = new java.io.ByteArrayOutputStream();
                EARLIER_AUDIT.get(0).toBuilder().setIndex(2).build().writeDelimitedTo(torn);
                out.write(torn.toByteArray(), 0, torn.size() - 5);
                Files.write(log, out.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    ModuleUploadGrpc.ModuleUploadBlockingStub uploadBlocking = Clients.uploadBlocking("site-c");
    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();

    @Inject
    AggregatorStore store;

    static AuditEntry earlierAudit(int index, String action, String outcome) {
        return AuditEntry.newBuilder().setIndex(index).setFederationId(CLOSED).setRecord(AuditRecord.newBuilder()
                .setActor("coordinator:coordinator").setAction(action).setTarget(CLOSED).setOutcome(outcome)
                .setTime("2026-11-20T09:00:0" + index + "Z")).build();
    }

    @Test
    void theAuditTrailSurvivesTheRestartAndATornRecordIsCutOff() {
        var auditor = Clients.auditTrail(TestPki.AUDITOR);
        assertEquals(EARLIER_AUDIT, auditor.listAuditRecords(
                ListAuditRecordsRequest.newBuilder().setFederationId(CLOSED).build()).getEntriesList());
        // A new administrative call appends after the last whole record.
        assertThrows(StatusRuntimeException.class, () -> admin.closeFederation(
                CloseFederationRequest.newBuilder().setFederationId("fed-never-created").build()));
        List<AuditEntry> all = auditor.listAuditRecords(ListAuditRecordsRequest.getDefaultInstance()).getEntriesList();
        AuditEntry last = all.get(all.size() - 1);
        assertTrue(last.getIndex() >= 2, last.toString());
        assertEquals("NOT_FOUND", all.stream().filter(a -> a.getFederationId().equals("fed-never-created"))
                .findFirst().orElseThrow().getRecord().getOutcome());
        assertEquals(EARLIER_AUDIT, all.subList(0, 2));
    }

    @Test
    void federationsModulesAndPartialUploadsAreRecovered() throws IOException {
        FederationStatus status = admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(OPEN).build());
        assertEquals(FederationState.FEDERATION_STATE_OPEN, status.getState());
        assertEquals(2, status.getModules());
        assertEquals(List.of("site-a", "site-b"), status.getSitesList());
        assertEquals(List.of("owl"), status.getUncoveredClassesList());
        assertEquals(FederationState.FEDERATION_STATE_CLOSED,
                admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(CLOSED).build()).getState());

        List<ModuleRecord> modules = admin.listModules(ListModulesRequest.newBuilder().setFederationId(OPEN).build()).getModulesList();
        assertEquals(List.of(ModuleFixtures.sha256(ADMITTED), ModuleFixtures.sha256(UNANNOUNCED)),
                modules.stream().map(ModuleRecord::getModuleId).toList());

        // The upload cut off before the restart resumes where it stopped.
        long offset = uploadBlocking.getUploadOffset(
                UploadOffsetRequest.newBuilder().setUploadId(PARTIAL_HEADER.getUploadId()).build()).getStoredBytes();
        assertEquals(1000, offset);
        UploadReceipt resumed = UploadCall.upload(PARTIAL_HEADER, PARTIAL, (int) offset, 512);
        assertEquals(ModuleFixtures.sha256(PARTIAL), resumed.getModuleId());
        assertArrayEquals(PARTIAL, Files.readAllBytes(store.moduleBytes(resumed.getModuleId())));

        // A module admitted before the restart is still known: sending it again stores nothing.
        UploadReceipt again = UploadCall.upload(
                header(OPEN, "after-restart-1", decoderManifest(ADMITTED, "site-a", "cat"), ADMITTED.length), ADMITTED, 0, 1024);
        assertTrue(again.getAlreadyStored());
        assertEquals("2026-11-20T08:10:00Z", again.getAdmittedAt());

        // The module whose announcement was never acknowledged is announced after the start.
        Event event = BrokerRecords.single("fedfactory.modules", ModuleFixtures.sha256(UNANNOUNCED));
        assertEquals("site-b", event.getModuleAdmitted().getManifest().getSiteId());

        byte[] late = decoder(44);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> UploadCall.upload(
                header(CLOSED, "after-restart-2", decoderManifest(late, "site-a", "cat"), late.length), late, 0, 1024));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    }
}
