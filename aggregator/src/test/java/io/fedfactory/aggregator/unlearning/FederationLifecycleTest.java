package io.fedfactory.aggregator.unlearning;

import java.time.Duration;
import org.awaitility.Awaitility;
import io.fedfactory.aggregator.fixtures.BrokerRecords;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModelChunk;
import io.fedfactory.proto.v1.ModelDownloadGrpc;
import io.fedfactory.proto.v1.ModelDownloadRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Pem;
import io.fedfactory.security.SignedMessages;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Instant;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole federation inside the aggregator with tiny real modules: training, publication, download,
 * then unlearning one site: revoked at once, erased, retrained, certified with a matching from-scratch
 * retrain.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class FederationLifecycleTest {

    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();
    FederationAdminGrpc.FederationAdminBlockingStub auditor = Clients.auditor();
    ModelDownloadGrpc.ModelDownloadBlockingStub models = Clients.models(TestPki.INFERENCE);

    @Test
    void trainPublishDeleteRetrainCertify() throws Exception {
        String fed = "fed-life";
        FederationSpec spec = ModuleFixtures.spec(fed).toBuilder().setSamplesPerClass(48)
                .setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(4).addBlocksPerStage(1).setEpochs(1)
                        .setBatchSize(16).setLearningRate(0.05f).setMomentum(0.9f).setWeightDecay(1e-4f).setThreads(1))
                .build();
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(spec).build());
        String[] sites = {"site-a", "site-b", "site-c"};
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            byte[] onnx = ModuleFixtures.decoder(i + 1);
            var manifest = ModuleFixtures.decoderManifest(onnx, sites[i], ModuleFixtures.LABELS.get(i));
            ids[i] = UploadCall.upload(ModuleFixtures.header(fed, "up-life-" + i, manifest, onnx.length),
                    onnx, 0, 512).getModuleId();
        }

        admin.startTraining(StartTrainingRequest.newBuilder().setFederationId(fed).build());
        ModelVersionInfo v1 = awaitVersions(fed, 1).get(0);
        assertEquals(List.of(ids).stream().sorted().toList(), v1.getLineageList());
        assertEquals(fed + "-v1", v1.getVersion());
        assertEquals(v1.getOnnxSha256(), ModuleFixtures.sha256(download(v1.getVersion())));
        assertEquals(fed + "-v1", admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build())
                .getCurrentModelVersion());
        assertEquals(v1, BrokerRecords.single("fedfactory.models", v1.getVersion()).getModelPublished().getInfo());

        DeleteModulesResponse deletion = auditor.deleteModules(DeleteModulesRequest.newBuilder().setFederationId(fed)
                .setSiteId("site-b").setReason("consent withdrawn").build());
        assertEquals(List.of(ids[1]), deletion.getDeletedModuleIdsList());
        assertEquals(List.of(v1.getVersion()), deletion.getRevokedVersionsList());
        // Revoked at once: the revocation is on the broker and the version can no longer be downloaded.
        assertTrue(BrokerRecords.events("fedfactory.models", v1.getVersion()).stream().anyMatch(Event::hasModelRevoked));
        var refused = assertThrows(StatusRuntimeException.class, () -> download(v1.getVersion()));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertEquals("VERSION_REVOKED", TypedErrors.reason(refused));
        assertEquals(Map.of(TypedErrors.FIELD, "version", TypedErrors.VALUE, v1.getVersion()),
                TypedErrors.info(refused).orElseThrow().getMetadataMap());
        var deleted = admin.listModules(ListModulesRequest.newBuilder().setFederationId(fed).setIncludeDeleted(true).build())
                .getModulesList().stream().filter(m -> m.getModuleId().equals(ids[1])).findFirst().orElseThrow();
        assertEquals(ModuleState.MODULE_STATE_DELETED, deleted.getState());
        // ModuleDeleted is keyed by the module id on the audit topic, as events.proto says.
        assertEquals(ids[1], BrokerRecords.single("fedfactory.audit", ids[1]).getModuleDeleted().getModuleId());

        UnlearningCertificate cert = awaitCertificate(deletion.getCertificateId());
        assertEquals(fed + "-v2", cert.getNewVersion());
        assertEquals(List.of(ids[0], ids[2]).stream().sorted().toList(), cert.getNewLineageList());
        assertTrue(cert.getFromScratchMatches(), "from-scratch retrain must give the same weights");
        assertEquals(cert.getWeightSha256(), cert.getFromScratchWeightSha256());
        assertFalse(cert.getNewLineageList().contains(ids[1]));
        assertEquals(List.of(cert), BrokerRecords.events("fedfactory.audit", cert.getCertificateId()).stream()
                .filter(Event::hasCertificateIssued).map(e -> e.getCertificateIssued().getCertificate()).toList(),
                "the published certificate is the signed one GetCertificate returns");
        // Who ordered the deletion is the auditor's certificate, not a claimed name.
        assertEquals("auditor:auditor", cert.getRequestedBy());
        // Signed by the aggregator: verifies offline against the CA alone; any altered field breaks it.
        X509Certificate ca = Pem.readCertificate(TestPki.directory().caCertificate());
        SignedMessages.verify(cert, ca, Identity.service("aggregator"), Instant.now());
        UnlearningCertificate tampered = cert.toBuilder().setFromScratchMatches(false).build();
        var broken = assertThrows(SignedMessages.SignatureException.class,
                () -> SignedMessages.verify(tampered, ca, Identity.service("aggregator"), Instant.now()));
        assertTrue(broken.getMessage().contains("altered after signing"), broken.getMessage());
        UnlearningCertificate otherSigner = SignedMessages.sign(cert, TestPki.issue(Identity.site("site-a"),
                Instant.now().minusSeconds(60), java.time.Duration.ofDays(1)));
        var impostor = assertThrows(SignedMessages.SignatureException.class,
                () -> SignedMessages.verify(otherSigner, ca, Identity.service("aggregator"), Instant.now()));
        assertTrue(impostor.getMessage().contains("signed by site:site-a, expected service:aggregator"), impostor.getMessage());

        var again = assertThrows(StatusRuntimeException.class, () -> auditor.deleteModules(DeleteModulesRequest.newBuilder()
                .setFederationId(fed).addModuleIds(ids[1]).setReason("again").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.getStatus().getCode());
        assertEquals("MODULE_ALREADY_DELETED", TypedErrors.reason(again));
        assertEquals(Map.of(TypedErrors.FIELD, "module_ids", TypedErrors.VALUE, ids[1]), TypedErrors.info(again).orElseThrow().getMetadataMap());
        var unknown = assertThrows(StatusRuntimeException.class, () -> auditor.deleteModules(DeleteModulesRequest.newBuilder()
                .setFederationId(fed).addModuleIds("0".repeat(64)).setReason("x").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertEquals("UNKNOWN_MODULE", TypedErrors.reason(unknown));
        assertEquals(Map.of(TypedErrors.FIELD, "module_ids", TypedErrors.VALUE, "0".repeat(64)),
                TypedErrors.info(unknown).orElseThrow().getMetadataMap());
        var noReason = assertThrows(StatusRuntimeException.class, () -> auditor.deleteModules(DeleteModulesRequest.newBuilder()
                .setFederationId(fed).setSiteId("site-a").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noReason.getStatus().getCode());
        assertEquals("INVALID_REQUEST", TypedErrors.reason(noReason));
        assertEquals(Map.of(TypedErrors.FIELD, "reason", TypedErrors.VALUE, "0", TypedErrors.LIMIT, "1..1000 characters"),
                TypedErrors.info(noReason).orElseThrow().getMetadataMap());
    }

    private List<ModelVersionInfo> awaitVersions(String fed, int n) {
        return Awaitility.await("model version " + n + " of " + fed).atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> admin.listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(fed).build())
                        .getVersionsList(), versions -> versions.size() >= n);
    }

    private UnlearningCertificate awaitCertificate(String id) {
        return Awaitility.await("certificate " + id + " complete").atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> auditor.getCertificate(GetCertificateRequest.newBuilder().setCertificateId(id).build()),
                        UnlearningCertificate::getComplete);
    }

    private byte[] download(String version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var it = models.download(ModelDownloadRequest.newBuilder().setVersion(version).build());
        while (it.hasNext()) {
            ModelChunk c = it.next();
            out.writeBytes(c.getData().toByteArray());
        }
        return out.toByteArray();
    }
}
