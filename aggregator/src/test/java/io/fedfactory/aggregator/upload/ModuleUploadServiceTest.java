package io.fedfactory.aggregator.upload;

import io.fedfactory.proto.errors.TypedErrors;
import java.util.Map;
import java.time.Duration;
import org.awaitility.Awaitility;
import com.google.protobuf.ByteString;
import io.fedfactory.aggregator.fixtures.BrokerRecords;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.ModuleFixtures.Flaw;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.RecordKinds;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.CloseFederationRequest;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadOffset;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.Https;
import io.quarkus.test.common.http.TestHTTPResource;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoder;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoderManifest;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.header;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploads over the real gRPC server into a real store, admission in ONNX Runtime, events on the real broker. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class ModuleUploadServiceTest {

    /** Uploads as site-a (UploadCall.upload(header, ...) uploads as the site its manifest names). */
    ModuleUploadGrpc.ModuleUploadStub upload = Clients.upload("site-a");
    ModuleUploadGrpc.ModuleUploadBlockingStub uploadBlocking = Clients.uploadBlocking("site-a");
    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();

    @Inject
    AggregatorStore store;

    @TestHTTPResource(value = "/", tls = true)
    java.net.URL https;

    @Test
    void aModuleSentInChunksIsAdmittedStoredAndAnnounced() throws Exception {
        String fed = federation("fed-whole");
        byte[] onnx = decoder(11);
        ModuleManifest manifest = decoderManifest(onnx, "site-a", "cat");
        String uploadId = uploadId();
        int chunk = onnx.length / 5 + 1;

        UploadReceipt receipt = UploadCall.upload(header(fed, uploadId, manifest, onnx.length), onnx, 0, chunk);

        String id = ModuleFixtures.sha256(onnx);
        assertEquals(id, receipt.getModuleId());
        assertEquals(fed, receipt.getFederationId());
        assertEquals(onnx.length, receipt.getStoredBytes());
        assertFalse(receipt.getAlreadyStored());
        assertEquals(List.of("manifest", "privacy_policy", "content_hash", "onnx_loads", "io_signature", "probe_finite", "probe_range"),
                receipt.getChecksPassedList());
        assertFalse(receipt.getAdmittedAt().isEmpty());
        assertArrayEquals(onnx, Files.readAllBytes(store.moduleBytes(id)), "the stored bytes are the sent bytes");
        assertFalse(store.parts().exists(uploadId), "no partial bytes are left once admitted");

        Event event = BrokerRecords.single("fedfactory.modules", id);
        assertEquals("io.fedfactory.module.admitted", event.getHeader().getType());
        assertEquals(fed, event.getHeader().getFederationId());
        assertEquals(manifest, event.getModuleAdmitted().getManifest());
        assertEquals(receipt.getChecksPassedList(), event.getModuleAdmitted().getChecksPassedList());

        FederationStatus status = status(fed);
        assertEquals(1, status.getModules());
        assertEquals(List.of("site-a"), status.getSitesList());
        assertEquals(List.of("dog", "owl"), status.getUncoveredClassesList());

        byte[] den = ModuleFixtures.denoiser();
        UploadReceipt diffusion = UploadCall.upload(
                header(fed, uploadId(), ModuleFixtures.diffusionManifest(den, "site-b", "dog"), den.length), den, 0, 256);
        assertEquals(ModuleFixtures.sha256(den), diffusion.getModuleId());
        assertEquals(List.of("owl"), status(fed).getUncoveredClassesList());
        assertEquals(List.of("site-a", "site-b"), status(fed).getSitesList());

        UploadOffset done = uploadBlocking.getUploadOffset(UploadOffsetRequest.newBuilder().setUploadId(uploadId).build());
        assertEquals(onnx.length, done.getStoredBytes());
        assertEquals(id, done.getCompletedModuleId());

        Https.given(https).when().get("/metrics").then().statusCode(200)
                .body(containsString("fedfactory_upload_admitted_total"))
                .body(containsString("fedfactory_upload_bytes_total"));
    }

    @Test
    void anUploadCutOffMidStreamResumesFromItsOffset() throws Exception {
        String fed = federation("fed-resume");
        byte[] onnx = decoder(12);
        UploadHeader header = header(fed, uploadId(), decoderManifest(onnx, "site-a", "dog"), onnx.length);
        int chunk = 300;

        UploadCall first = new UploadCall(upload);
        first.sendRange(header, onnx, 0, 3 * chunk, chunk);
        awaitStored(header.getUploadId(), 3 * chunk);
        first.cancel();
        assertEquals(Status.Code.CANCELLED, assertThrows(StatusRuntimeException.class, first::await).getStatus().getCode());

        UploadOffset offset = uploadBlocking.getUploadOffset(
                UploadOffsetRequest.newBuilder().setUploadId(header.getUploadId()).build());
        assertEquals(3 * chunk, offset.getStoredBytes());
        assertEquals("", offset.getCompletedModuleId());

        UploadReceipt receipt = UploadCall.upload(header, onnx, (int) offset.getStoredBytes(), chunk);
        assertEquals(ModuleFixtures.sha256(onnx), receipt.getModuleId());
        assertArrayEquals(onnx, Files.readAllBytes(store.moduleBytes(receipt.getModuleId())));
    }

    @Test
    void theSameModuleSentTwiceIsStoredOnce() throws Exception {
        String fed = federation("fed-twice");
        byte[] onnx = decoder(13);
        ModuleManifest manifest = decoderManifest(onnx, "site-a", "owl");
        UploadReceipt first = UploadCall.upload(header(fed, uploadId(), manifest, onnx.length), onnx, 0, 1000);
        long blobs = store.blobs(RecordKinds.MODULE_BLOBS).ids().size();

        String second = uploadId();
        UploadReceipt again = UploadCall.upload(header(fed, second, manifest, onnx.length), onnx, 0, 1000);

        assertTrue(again.getAlreadyStored());
        assertEquals(first.getModuleId(), again.getModuleId());
        assertEquals(first.getAdmittedAt(), again.getAdmittedAt());
        assertEquals(first.getChecksPassedList(), again.getChecksPassedList());
        assertEquals(blobs, store.blobs(RecordKinds.MODULE_BLOBS).ids().size(), "no new bytes on disk");
        assertFalse(store.parts().exists(second));
        assertEquals(1, modules(fed).size());
        assertEquals(1, BrokerRecords.events("fedfactory.modules", first.getModuleId()).size(), "announced once");

        // A module belongs to one federation.
        String other = federation("fed-twice-other");
        StatusRuntimeException e = refused(header(other, uploadId(), manifest, onnx.length), onnx);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertRefused(e, "HEADER", Map.of("field", "header.federation_id", "value", other));
    }

    @Test
    void badModulesAreRejectedNamingTheCheckAndNothingIsStored() {
        String fed = federation("fed-reject");
        byte[] junk = "certainly not ONNX".getBytes();
        byte[] nineByNine = decoder(9, 9, Flaw.NONE, 14);
        byte[] nan = decoder(8, 8, Flaw.NAN, 14);
        byte[] bright = decoder(8, 8, Flaw.OUT_OF_RANGE, 14);
        byte[] good = decoder(14);
        rejected(fed, junk, decoderManifest(junk, "site-a", "cat"), "onnx_loads");
        rejected(fed, nineByNine, decoderManifest(nineByNine, "site-a", "cat"), "io_signature");
        rejected(fed, nan, decoderManifest(nan, "site-a", "cat"), "probe_finite");
        rejected(fed, bright, decoderManifest(bright, "site-a", "cat"), "probe_range");
        rejected(fed, good, decoderManifest(good, "site-a", "zebra"), "manifest");
        ModuleManifest otherHash = decoderManifest(decoder(15), "site-a", "cat");
        StatusRuntimeException hash = rejected(fed, good, otherHash, "content_hash");
        assertEquals(Map.of("check", "content_hash", "field", "manifest.content_sha256", "value", otherHash.getContentSha256(),
                "limit", ModuleFixtures.sha256(good)), TypedErrors.info(hash).orElseThrow().getMetadataMap());
        assertEquals(0, status(fed).getModules());
        Https.given(https).when().get("/metrics").then().statusCode(200)
                .body(containsString("fedfactory_upload_rejected_total{check=\"probe_finite\""));
    }

    @Test
    void limitsAndOffsetsAreEnforcedNamingTheLimit() {
        String fed = federation("fed-limits");
        byte[] onnx = decoder(16);
        ModuleManifest manifest = decoderManifest(onnx, "site-a", "cat");

        StatusRuntimeException e = refused(header(fed, uploadId(), manifest, 64L * 1024 * 1024 + 1), onnx);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertRefused(e, "TOTAL_BYTES",
                Map.of("field", "header.total_bytes", "value", "67108865", "limit", "fedfactory.upload.max-module-bytes=67108864"));
        e = refused(header(fed, uploadId(), manifest, 0), onnx);
        assertRefused(e, "TOTAL_BYTES",
                Map.of("field", "header.total_bytes", "value", "0", "limit", "fedfactory.upload.max-module-bytes=67108864"));

        String big = uploadId();
        e = send(header(fed, big, manifest, 2 * 1024 * 1024),
                UploadChunk.newBuilder().setOffset(0).setData(ByteString.copyFrom(new byte[1024 * 1024 + 1])).build());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertRefused(e, "CHUNK_SIZE", Map.of("field", "data", "value", "1048577", "limit", "fedfactory.upload.max-chunk-bytes=1048576"));

        String gap = uploadId();
        e = send(header(fed, gap, manifest, onnx.length),
                UploadChunk.newBuilder().setOffset(0).setData(ModuleFixtures.slice(onnx, 0, 100)).build(),
                UploadChunk.newBuilder().setOffset(150).setData(ModuleFixtures.slice(onnx, 150, 250)).build());
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertRefused(e, "OFFSET", Map.of("field", "offset", "value", "150", "limit", "stored_bytes=100"));
        assertEquals(100, offset(gap), "the contiguous bytes received are kept for resumption");

        e = send(header(fed, uploadId(), manifest, 100),
                UploadChunk.newBuilder().setOffset(0).setData(ModuleFixtures.slice(onnx, 0, 150)).build());
        assertRefused(e, "TOTAL_BYTES", Map.of("field", "data", "value", "150", "limit", "header.total_bytes=100"));

        e = send(null, UploadChunk.newBuilder().setOffset(0).setData(ModuleFixtures.slice(onnx, 0, 10)).build());
        assertRefused(e, "HEADER", Map.of("field", "header"));

        UploadHeader twice = header(fed, uploadId(), manifest, onnx.length);
        e = send(twice, UploadChunk.newBuilder().setOffset(0).setData(ModuleFixtures.slice(onnx, 0, 10)).build(),
                UploadChunk.newBuilder().setHeader(twice).setOffset(10).setData(ModuleFixtures.slice(onnx, 10, 20)).build());
        assertRefused(e, "HEADER", Map.of("field", "header", "value", "10"));

        e = refused(header(fed, "short", manifest, onnx.length), onnx);
        assertRefused(e, "HEADER", Map.of("field", "header.upload_id", "value", "short", "limit", "[A-Za-z0-9-]{8,64}"));

        String truncated = uploadId();
        UploadCall call = new UploadCall(upload);
        call.sendRange(header(fed, truncated, manifest, onnx.length), onnx, 0, 500, 250);
        e = assertThrows(StatusRuntimeException.class, call::complete);
        assertRefused(e, "TRUNCATED", Map.of("field", "data", "value", "500", "limit", "header.total_bytes=" + onnx.length));
        assertEquals(500, offset(truncated));
        assertEquals(0, status(fed).getModules());
    }

    @Test
    void uploadsToUnknownOrClosedFederationsAreRefused() {
        byte[] onnx = decoder(17);
        ModuleManifest manifest = decoderManifest(onnx, "site-a", "cat");
        StatusRuntimeException e = refused(header("fed-nowhere", uploadId(), manifest, onnx.length), onnx);
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertRefused(e, "UNKNOWN_FEDERATION", Map.of("field", "header.federation_id", "value", "fed-nowhere"));

        String fed = federation("fed-closed");
        admin.closeFederation(CloseFederationRequest.newBuilder().setFederationId(fed).build());
        e = refused(header(fed, uploadId(), manifest, onnx.length), onnx);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertRefused(e, "FEDERATION_NOT_OPEN", Map.of("field", "header.federation_id", "value", fed));
    }

    @Test
    void theFederationClosesOnceTheExpectedSitesUploaded() {
        FederationSpec spec = ModuleFixtures.spec("fed-expected").toBuilder()
                .setClosePolicy(ClosePolicy.newBuilder().setExpectedSites(2)).build();
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build());
        String fed = spec.getFederationId();
        uploadModule(fed, decoder(21), "site-a", "cat");
        uploadModule(fed, decoder(22), "site-a", "dog");
        assertEquals(FederationState.FEDERATION_STATE_OPEN, status(fed).getState(), "one site so far");
        uploadModule(fed, decoder(23), "site-b", "owl");

        FederationStatus status = status(fed);
        assertEquals(FederationState.FEDERATION_STATE_CLOSED, status.getState());
        List<Event> events = BrokerRecords.events("fedfactory.federations", fed);
        Event closed = events.get(events.size() - 1);
        assertEquals("expected_sites", closed.getFederationClosed().getReason());
        assertEquals(3, closed.getFederationClosed().getModules());

        byte[] late = decoder(24);
        StatusRuntimeException e = refused(header(fed, uploadId(), decoderManifest(late, "site-c", "cat"), late.length), late);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertRefused(e, "FEDERATION_NOT_OPEN", Map.of("field", "header.federation_id", "value", fed));
    }

    @Test
    void listModulesFiltersBySiteAndKeepsDeletedOnesForAudit() {
        String fed = federation("fed-list");
        String a = uploadModule(fed, decoder(31), "site-a", "cat");
        String b = uploadModule(fed, decoder(32), "site-b", "dog");
        assertEquals(List.of(a, b), ids(modules(fed)));
        assertEquals(List.of(b), ids(admin.listModules(ListModulesRequest.newBuilder()
                .setFederationId(fed).setSiteId("site-b").build()).getModulesList()));

        store.deleteModule(a, Instant.now(), "consent withdrawn");
        assertEquals(List.of(b), ids(modules(fed)));
        List<ModuleRecord> all = admin.listModules(ListModulesRequest.newBuilder()
                .setFederationId(fed).setIncludeDeleted(true).build()).getModulesList();
        assertEquals(List.of(a, b), ids(all));
        assertEquals(ModuleState.MODULE_STATE_DELETED, all.get(0).getState());
        assertFalse(all.get(0).getDeletedAt().isEmpty());
        assertEquals(List.of("cat", "owl"), status(fed).getUncoveredClassesList(), "a deleted module covers nothing");

        byte[] deleted = decoder(31);
        StatusRuntimeException e = refused(header(fed, uploadId(), decoderManifest(deleted, "site-a", "cat"), deleted.length), deleted);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertRefused(e, "DELETED", Map.of("field", "header.manifest.content_sha256", "value", a));

        e = assertThrows(StatusRuntimeException.class, () -> admin.listModules(
                ListModulesRequest.newBuilder().setFederationId("fed-none").build()));
        assertRefused(e, "UNKNOWN_FEDERATION", Map.of("field", "federation_id", "value", "fed-none"));
        e = assertThrows(StatusRuntimeException.class, () -> admin.listModules(
                ListModulesRequest.newBuilder().setFederationId(fed).setSiteId("Site A").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("INVALID_REQUEST", TypedErrors.reason(e));
        assertEquals("site_id", TypedErrors.info(e).orElseThrow().getMetadataOrThrow("field"));
    }

    // ---- helpers

    /** The refusal's reason and its whole metadata (field, value, limit). */
    private static void assertRefused(StatusRuntimeException e, String reason, Map<String, String> metadata) {
        assertEquals(reason, TypedErrors.reason(e), e.getStatus().toString());
        assertEquals(metadata, TypedErrors.info(e).orElseThrow().getMetadataMap(), e.getStatus().toString());
    }

    private StatusRuntimeException rejected(String fed, byte[] onnx, ModuleManifest manifest, String check) {
        String uploadId = uploadId();
        StatusRuntimeException e = refused(header(fed, uploadId, manifest, onnx.length), onnx);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(check.toUpperCase(java.util.Locale.ROOT), TypedErrors.reason(e), "the failed check is the reason");
        Map<String, String> metadata = TypedErrors.info(e).orElseThrow().getMetadataMap();
        assertEquals(check, metadata.get("check"));
        assertNotEquals(check, metadata.get(TypedErrors.FIELD), "the check is the reason, not the field: " + metadata);

        Event event = BrokerRecords.single("fedfactory.modules", uploadId);
        assertEquals("io.fedfactory.module.rejected", event.getHeader().getType());
        assertEquals(check, event.getModuleRejected().getFailedCheck());
        assertEquals("site-a", event.getModuleRejected().getSiteId());

        String moduleId = manifest.getContentSha256();
        assertTrue(store.module(moduleId).isEmpty(), check + ": no module record");
        assertFalse(store.blobs(RecordKinds.MODULE_BLOBS).contains(moduleId), check + ": no module bytes");
        assertFalse(store.parts().exists(uploadId), check + ": no partial bytes");
        assertTrue(store.upload(uploadId).isEmpty(), check + ": no upload record");
        return e;
    }

    private String uploadModule(String fed, byte[] onnx, String site, String... classes) {
        return UploadCall.upload(header(fed, uploadId(), decoderManifest(onnx, site, classes), onnx.length),
                onnx, 0, 4096).getModuleId();
    }

    private StatusRuntimeException refused(UploadHeader header, byte[] onnx) {
        return assertThrows(StatusRuntimeException.class, () -> UploadCall.upload(header, onnx, 0, 700));
    }

    /** Sends {@code chunks} (the header, if any, goes into the first) and expects a refusal. */
    private StatusRuntimeException send(UploadHeader header, UploadChunk... chunks) {
        UploadCall call = new UploadCall(upload);
        for (int i = 0; i < chunks.length; i++) {
            UploadChunk c = i == 0 && header != null ? chunks[i].toBuilder().setHeader(header).build() : chunks[i];
            if (!call.send(c)) break;
        }
        return assertThrows(StatusRuntimeException.class, call::complete);
    }

    private long offset(String uploadId) {
        return uploadBlocking.getUploadOffset(UploadOffsetRequest.newBuilder().setUploadId(uploadId).build()).getStoredBytes();
    }

    private void awaitStored(String uploadId, long bytes) {
        Awaitility.await("the server stores " + bytes + " bytes").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20)).until(() -> store.parts().length(uploadId) >= bytes);
    }

    private String federation(String id) {
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(id)).build());
        return id;
    }

    private FederationStatus status(String fed) {
        return admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build());
    }

    private List<ModuleRecord> modules(String fed) {
        return admin.listModules(ListModulesRequest.newBuilder().setFederationId(fed).build()).getModulesList();
    }

    private static List<String> ids(List<ModuleRecord> records) {
        return records.stream().map(ModuleRecord::getModuleId).toList();
    }

    private static String uploadId() {
        return "up-" + UUID.randomUUID();
    }

}
