package io.fedfactory.aggregator.training;

import io.fedfactory.aggregator.fixtures.BrokerRecords;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.EarlierStore;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.RecordKinds;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.aggregator.store.records.StoredUpload;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.proto.v1.UploadOffset;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregator starting on the state a SIGKILL left at three moments: right after a model version's
 * record reached the disk (before the federation's state change and the ModelPublished event), during
 * an unlearning retrain (federation TRAINING and certificate unfinished), and between a module's record
 * and its upload's completion.
 */
@QuarkusTest
@TestProfile(CrashRecoveryTest.KilledRun.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class CrashRecoveryTest {

    static final String PUBLISHED = "fed-killed-at-publication";
    static final String RETRAINING = "fed-killed-in-retrain";
    static final String UPLOADING = "fed-killed-at-upload";
    static final byte[] A = ModuleFixtures.decoder(71);
    static final byte[] B = ModuleFixtures.decoder(72);
    static final byte[] C = ModuleFixtures.decoder(73);
    static final byte[] D = ModuleFixtures.decoder(74);
    static final byte[] E = ModuleFixtures.decoder(75);
    static final String CERT = "cert-killed-in-retrain";
    static final String TWO_CLASS = "fed-with-an-old-two-class-module";
    static final byte[] F = ModuleFixtures.decoder(76);
    static final byte[] G = ModuleFixtures.decoder(77);

    /** Writes the killed aggregator's state with the store alone before the start. */
    public static class KilledRun implements QuarkusTestProfile {
        private static Path dir;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fedfactory.aggregator.data-dir", seeded().toString());
        }

        static synchronized Path seeded() {
            if (dir == null) dir = EarlierStore.seed("aggregator-killed-run-", KilledRun::seed);
            return dir;
        }

        private static void seed(AggregatorStore store) {
            // 1. Killed right after the version record was written.
            store.putFederation(training(PUBLISHED, 1));
            String a = admit(store, PUBLISHED, A, "site-a", "cat", "killed-pub-a");
            String b = admit(store, PUBLISHED, B, "site-b", "dog", "killed-pub-b");
            store.records().put(RecordKinds.MODEL_VERSIONS, PUBLISHED + "-v1",
                    version(PUBLISHED, 1, List.of(a, b).stream().sorted().toList(), false));

            // 2. Killed while retraining after site-1's module was deleted: v1 revoked, certificate unfinished.
            store.putFederation(training(RETRAINING, 1));
            String c = admit(store, RETRAINING, C, "site-0", "cat", "killed-re-c");
            String d = admit(store, RETRAINING, D, "site-1", "dog", "killed-re-d");
            store.records().put(RecordKinds.MODEL_VERSIONS, RETRAINING + "-v1",
                    version(RETRAINING, 1, List.of(c, d).stream().sorted().toList(), true));
            store.deleteModule(d, java.time.Instant.parse("2026-11-20T10:00:00Z"), "consent withdrawn");
            store.records().put(RecordKinds.CERTIFICATES, CERT, UnlearningCertificate.newBuilder().setCertificateId(CERT)
                    .setFederationId(RETRAINING).addDeletedModuleIds(d).setReason("consent withdrawn")
                    .setRequestedBy("auditor:auditor").setRequestedAt("2026-11-20T10:00:00Z")
                    .addRevokedVersions(RETRAINING + "-v1").build());

            // 3. Killed after the module's record, before its upload was marked finished.
            store.putFederation(StoredFederation.newBuilder().setSpec(spec(UPLOADING))
                    .setState(FederationState.FEDERATION_STATE_OPEN).setOpenedAt("2026-11-20T08:00:00Z")
                    .setAnnounced(true).build());
            ModuleManifest m = ModuleFixtures.decoderManifest(E, "site-2", "owl");
            store.putUpload(StoredUpload.newBuilder().setHeader(ModuleFixtures.header(UPLOADING, "killed-upload-e",
                    m, E.length)).setStartedAt("2026-11-20T08:30:00Z").build());
            admit(store, UPLOADING, E, "site-2", "owl", "killed-upload-e");

            // 4. A two-class module admitted by an aggregator that did not refuse them yet.
            store.putFederation(StoredFederation.newBuilder().setSpec(spec(TWO_CLASS))
                    .setState(FederationState.FEDERATION_STATE_CLOSED).setCloseReason("manual")
                    .setOpenedAt("2026-11-20T08:00:00Z").setClosedAt("2026-11-20T09:00:00Z").setAnnounced(true).build());
            admit(store, TWO_CLASS, F, "site-3", "owl", "old-single-f");
            String two = admit(store, TWO_CLASS, G, "site-4", "cat", "old-two-class-g");
            var old = store.module(two).orElseThrow();
            store.records().put(RecordKinds.MODULES, two, old.toBuilder().setRecord(old.getRecord().toBuilder()
                    .setManifest(old.getRecord().getManifest().toBuilder().addClasses("dog"))).build());
        }

        private static StoredFederation training(String id, long jobsStarted) {
            return StoredFederation.newBuilder().setSpec(spec(id)).setState(FederationState.FEDERATION_STATE_TRAINING)
                    .setOpenedAt("2026-11-20T08:00:00Z").setClosedAt("2026-11-20T09:00:00Z").setCloseReason("manual")
                    .setAnnounced(true).setJobsStarted(jobsStarted).build();
        }

        private static ModelVersionInfo version(String fed, int n, List<String> lineage, boolean revoked) {
            return ModelVersionInfo.newBuilder().setVersion(fed + "-v" + n).setFederationId(fed).addAllLineage(lineage)
                    .setOnnxSha256("0".repeat(64)).setWeightSha256("1".repeat(64)).setSizeBytes(1)
                    .setPublishedAt("2026-11-20T09:30:00Z").setRevoked(revoked)
                    .setRevokedAt(revoked ? "2026-11-20T10:00:00Z" : "").build();
        }

        private static String admit(AggregatorStore store, String fed, byte[] onnx, String site, String cls, String uploadId) {
            return EarlierStore.admit(store, fed, onnx, site, cls, uploadId, "2026-11-20T08:10:00Z", true);
        }
    }

    static FederationSpec spec(String id) {
        return ModuleFixtures.spec(id).toBuilder().setSamplesPerClass(16)
                .setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(4).addBlocksPerStage(1).setEpochs(1)
                        .setBatchSize(16).setLearningRate(0.05f).setMomentum(0.9f).setWeightDecay(1e-4f).setThreads(1))
                .build();
    }

    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();
    FederationAdminGrpc.FederationAdminBlockingStub auditor = Clients.auditor();

    @Test
    void aVersionStoredBeforeTheKillIsAnnouncedNotPublishedAgain() {
        Awaitility.await(PUBLISHED + " published").atMost(Duration.ofSeconds(240))
                .until(() -> state(PUBLISHED) == FederationState.FEDERATION_STATE_PUBLISHED);
        assertEquals(List.of(PUBLISHED + "-v1"), versions(PUBLISHED).stream().map(ModelVersionInfo::getVersion).toList(),
                "the same modules must not give a second version");
        assertTrue(BrokerRecords.events("fedfactory.models", PUBLISHED + "-v1").stream().anyMatch(Event::hasModelPublished),
                "ModelPublished of v1 is sent after the restart");
    }

    @Test
    void aRetrainCutByTheKillRunsOnceAndIsCertified() {
        UnlearningCertificate cert = Awaitility.await("certificate " + CERT).atMost(Duration.ofSeconds(240))
                .until(() -> auditor.getCertificate(GetCertificateRequest.newBuilder().setCertificateId(CERT).build()),
                        UnlearningCertificate::getComplete);
        assertEquals(RETRAINING + "-v2", cert.getNewVersion());
        assertTrue(cert.getFromScratchMatches());
        Awaitility.await().atMost(Duration.ofSeconds(240))
                .until(() -> state(RETRAINING) == FederationState.FEDERATION_STATE_PUBLISHED);
        assertEquals(List.of(RETRAINING + "-v1", RETRAINING + "-v2"),
                versions(RETRAINING).stream().map(ModelVersionInfo::getVersion).toList(), "one retrain, one new version");
        // Job ids continue across the restart: the killed run's job was job-1.
        Set<String> jobs = BrokerRecords.events("fedfactory.progress", RETRAINING).stream()
                .map(e -> e.hasSynthesisProgress() ? e.getSynthesisProgress().getJobId() : e.getTrainingProgress().getJobId())
                .collect(Collectors.toSet());
        assertEquals(Set.of(RETRAINING + "-job-2"), jobs);
    }

    @Test
    void aModuleSynthesisCannotPlanNeverStopsTheFederation() {
        admin.startTraining(io.fedfactory.proto.v1.StartTrainingRequest.newBuilder().setFederationId(TWO_CLASS).build());
        Awaitility.await(TWO_CLASS + " trained").atMost(Duration.ofSeconds(240))
                .until(() -> state(TWO_CLASS), s -> s == FederationState.FEDERATION_STATE_PUBLISHED
                        || s == FederationState.FEDERATION_STATE_FAILED);
        assertEquals(FederationState.FEDERATION_STATE_PUBLISHED, state(TWO_CLASS), admin.getFederationStatus(
                FederationStatusRequest.newBuilder().setFederationId(TWO_CLASS).build()).getMessage());
        assertEquals(List.of(ModuleFixtures.sha256(F)), versions(TWO_CLASS).get(0).getLineageList(),
                "trained from the modules it can plan");
    }

    @Test
    void anUploadWhoseModuleWasAdmittedAnswersItsModule() {
        UploadOffset offset = Clients.uploadBlocking("site-2").getUploadOffset(
                UploadOffsetRequest.newBuilder().setUploadId("killed-upload-e").build());
        assertEquals(E.length, offset.getStoredBytes());
        assertEquals(ModuleFixtures.sha256(E), offset.getCompletedModuleId());
    }

    private FederationState state(String fed) {
        return admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build()).getState();
    }

    private List<ModelVersionInfo> versions(String fed) {
        return admin.listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(fed).build()).getVersionsList();
    }
}
