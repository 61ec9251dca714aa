package io.fedfactory.aggregator.store;

import io.fedfactory.determinism.ContentHash;
import com.google.protobuf.ByteString;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.aggregator.store.records.StoredUpload;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.UploadHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store on a real directory, closed and reopened the way a restart would. */
class AggregatorStoreTest {

    private Path dir;

    @BeforeEach
    void freshDirectory() throws IOException {
        Path base = Path.of("target", "store-tests");
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "store-");
    }

    @Test
    void federationsModulesAndPartialUploadsSurviveAReopen() {
        byte[] onnx = "pretend these are ONNX bytes".getBytes();
        String moduleId = ContentHash.sha256Hex(onnx);
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            store.putFederation(federation("fed-a", FederationState.FEDERATION_STATE_OPEN));
            store.putFederation(federation("fed-b", FederationState.FEDERATION_STATE_CLOSED).toBuilder()
                    .setCloseReason("manual").build());

            Path staged = writePart(store, "upload-one", onnx, onnx.length);
            store.admitModule(module(moduleId, "fed-a", onnx.length), staged);

            store.putUpload(upload("upload-two", 1000));
            writePart(store, "upload-two", new byte[300], 300);
        }
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            assertEquals(List.of("fed-a", "fed-b"),
                    store.federations().stream().map(f -> f.getSpec().getFederationId()).toList());
            assertEquals(FederationState.FEDERATION_STATE_CLOSED, store.federation("fed-b").orElseThrow().getState());
            assertEquals("manual", store.federation("fed-b").orElseThrow().getCloseReason());

            StoredModule m = store.module(moduleId).orElseThrow();
            assertEquals(ModuleState.MODULE_STATE_ADMITTED, m.getRecord().getState());
            assertEquals(List.of(moduleId), store.modules("fed-a").stream().map(x -> x.getRecord().getModuleId()).toList());
            assertArrayEquals(onnx, store.blobs(RecordKinds.MODULE_BLOBS).read(moduleId));
            assertEquals(moduleId, ContentHash.sha256Hex(store.moduleBytes(moduleId)));

            assertEquals(300, store.parts().length("upload-two"));
            assertEquals(1000, store.upload("upload-two").orElseThrow().getHeader().getTotalBytes());
            // A reopened part appends after what survived.
            try (PartWriter w = store.parts().append("upload-two", 0)) {
                assertEquals(300, w.length());
                w.append(ByteString.copyFrom(new byte[700]));
            }
            assertEquals(1000, store.parts().length("upload-two"));
        }
    }

    @Test
    void genericRecordsRoundTripInIdOrder() {
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            RecordStore r = store.records();
            r.put(RecordKinds.MODEL_VERSIONS, "fed-a-v2", ModelVersionInfo.newBuilder().setVersion("fed-a-v2").build());
            r.put(RecordKinds.MODEL_VERSIONS, "fed-a-v1", ModelVersionInfo.newBuilder().setVersion("fed-a-v1").build());
            r.put(RecordKinds.MODEL_VERSIONS, "fed-a-v1",
                    ModelVersionInfo.newBuilder().setVersion("fed-a-v1").setRevoked(true).build());
        }
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            RecordStore r = store.records();
            List<ModelVersionInfo> versions = r.list(RecordKinds.MODEL_VERSIONS, ModelVersionInfo.parser());
            assertEquals(List.of("fed-a-v1", "fed-a-v2"), versions.stream().map(ModelVersionInfo::getVersion).toList());
            assertTrue(versions.get(0).getRevoked(), "the later put replaced the earlier one");
            assertTrue(r.delete(RecordKinds.MODEL_VERSIONS, "fed-a-v2"));
            assertFalse(r.contains(RecordKinds.MODEL_VERSIONS, "fed-a-v2"));
            assertThrows(IllegalArgumentException.class,
                    () -> r.put(RecordKinds.MODEL_VERSIONS, "../escape", ModelVersionInfo.getDefaultInstance()));
            assertThrows(IllegalArgumentException.class,
                    () -> r.put("Bad Kind", "x", ModelVersionInfo.getDefaultInstance()));
        }
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            assertEquals(List.of("fed-a-v1"), store.records().ids(RecordKinds.MODEL_VERSIONS));
        }
    }

    @Test
    void deletingAModuleErasesItsBytesButKeepsItsRecord() {
        byte[] onnx = "module to forget".getBytes();
        String id = ContentHash.sha256Hex(onnx);
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            store.admitModule(module(id, "fed-a", onnx.length), writePart(store, "upload-one", onnx, onnx.length));
            StoredModule deleted = store.deleteModule(id, Instant.parse("2026-11-20T10:00:00Z"), "consent withdrawn");
            assertEquals(ModuleState.MODULE_STATE_DELETED, deleted.getRecord().getState());
            assertEquals("2026-11-20T10:00:00Z", deleted.getRecord().getDeletedAt());
            assertFalse(store.blobs(RecordKinds.MODULE_BLOBS).contains(id));
            assertThrows(StoreException.class, () -> store.moduleBytes(id));
            // Deleting again changes nothing.
            assertEquals(deleted, store.deleteModule(id, Instant.now(), "again"));
        }
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            StoredModule m = store.module(id).orElseThrow();
            assertEquals(ModuleState.MODULE_STATE_DELETED, m.getRecord().getState());
            assertEquals("consent withdrawn", m.getDeletedReason());
            assertEquals(onnx.length, m.getRecord().getSizeBytes());
        }
    }

    @Test
    void openingCleansWhatACrashLeftBehind() throws IOException {
        byte[] orphan = "bytes stored but never recorded".getBytes();
        byte[] deleted = "bytes of a deleted module".getBytes();
        String deletedId = ContentHash.sha256Hex(deleted);
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            store.blobs(RecordKinds.MODULE_BLOBS).put(orphan);
            // A deletion interrupted after its record was written, before the erase.
            store.admitModule(module(deletedId, "fed-a", deleted.length), writePart(store, "upload-del", deleted, deleted.length));
            store.records().put(RecordKinds.MODULES, deletedId, store.module(deletedId).orElseThrow().toBuilder()
                    .setRecord(store.module(deletedId).orElseThrow().getRecord().toBuilder()
                            .setState(ModuleState.MODULE_STATE_DELETED)).build());
            writePart(store, "no-record", new byte[10], 10);
        }
        Path strayRecord = dir.resolve("records/federations/.fed-a.pb.1234.tmp");
        Files.createDirectories(strayRecord.getParent());
        Files.write(strayRecord, new byte[] {1, 2, 3});
        Path strayBlob = dir.resolve("blobs/modules/." + "a".repeat(64) + ".5678.tmp");
        Files.write(strayBlob, new byte[] {4});

        try (AggregatorStore store = AggregatorStore.open(dir)) {
            assertFalse(Files.exists(strayRecord));
            assertFalse(Files.exists(strayBlob));
            assertFalse(store.blobs(RecordKinds.MODULE_BLOBS).contains(ContentHash.sha256Hex(orphan)));
            assertFalse(store.blobs(RecordKinds.MODULE_BLOBS).contains(deletedId));
            assertTrue(store.module(deletedId).isPresent(), "the record of a deleted module is kept");
            assertFalse(store.parts().exists("no-record"));
            assertTrue(store.federations().isEmpty(), "a temp file is never read as a record");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
    }

    @Test
    void anUploadWhoseModuleWasAdmittedBeforeACrashIsFinishedAtTheNextOpen() {
        byte[] onnx = "module admitted, upload not yet marked finished".getBytes();
        String id = ContentHash.sha256Hex(onnx);
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            StoredUpload started = upload("upload-cut", onnx.length);
            store.putUpload(started.toBuilder().setHeader(started.getHeader().toBuilder()
                    .setManifest(ModuleManifest.newBuilder().setContentSha256(id))).build());
            Path part = writePart(store, "upload-cut", onnx, onnx.length);
            store.admitModule(module(id, "fed-a", onnx.length).toBuilder().setUploadId("upload-cut").build(), part);
            // The process dies here, before the upload record says it completed.
        }
        try (AggregatorStore store = AggregatorStore.open(dir)) {
            assertEquals(id, store.upload("upload-cut").orElseThrow().getCompletedModuleId());
            assertFalse(store.parts().exists("upload-cut"));
            assertTrue(store.blobs(RecordKinds.MODULE_BLOBS).contains(id), "the admitted module is kept");
        }
    }

    @Test
    void oneStorePerDirectory() {
        try (AggregatorStore first = AggregatorStore.open(dir)) {
            StoreException e = assertThrows(StoreException.class, () -> AggregatorStore.open(dir));
            assertTrue(e.getMessage().contains("is in use by another aggregator"), e.getMessage());
        }
        AggregatorStore.open(dir).close();
    }

    private static Path writePart(AggregatorStore store, String uploadId, byte[] bytes, int n) {
        try (PartWriter w = store.parts().append(uploadId, 0)) {
            w.append(ByteString.copyFrom(bytes, 0, n));
            return w.file();
        }
    }

    private static StoredFederation federation(String id, FederationState state) {
        return StoredFederation.newBuilder()
                .setSpec(FederationSpec.newBuilder().setFederationId(id).addLabelNames("a").addLabelNames("b"))
                .setState(state)
                .setOpenedAt("2026-11-20T09:00:00Z")
                .build();
    }

    private static StoredModule module(String id, String federation, long size) {
        return StoredModule.newBuilder()
                .setRecord(ModuleRecord.newBuilder()
                        .setModuleId(id)
                        .setManifest(ModuleManifest.newBuilder().setSiteId("site-a").addClasses("a").setContentSha256(id))
                        .setState(ModuleState.MODULE_STATE_ADMITTED)
                        .setSizeBytes(size)
                        .setAdmittedAt("2026-11-20T09:30:00Z"))
                .setFederationId(federation)
                .addChecksPassed("manifest")
                .build();
    }

    private static StoredUpload upload(String id, long total) {
        return StoredUpload.newBuilder()
                .setHeader(UploadHeader.newBuilder().setUploadId(id).setFederationId("fed-a").setTotalBytes(total))
                .setStartedAt("2026-11-20T09:00:00Z")
                .build();
    }
}
