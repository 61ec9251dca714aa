package io.fedfactory.aggregator.unlearning;

import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two sites with identical data upload byte-identical modules: one module, claimed by each. Neither
 * upload answer tells a site that the other holds it, and deleting either site is exact: its claim goes,
 * the other site's contribution stays.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class IdenticalModulesTest {

    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();
    FederationAdminGrpc.FederationAdminBlockingStub auditor = Clients.auditor();

    /** A federation where site-a and site-b upload the same "cat" module, site-a also an "owl" one, site-c a "dog". */
    record Shared(String fed, String shared, String aOnly, String c, ModelVersionInfo v1) {
    }

    Shared federation(String fed, long variant) throws Exception {
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(fed).toBuilder()
                .setSamplesPerClass(32).setRecipe(ClassifierRecipe.newBuilder().setBaseWidth(4).addBlocksPerStage(1)
                        .setEpochs(1).setBatchSize(16).setLearningRate(0.05f).setMomentum(0.9f).setThreads(1))).build());
        byte[] same = ModuleFixtures.decoder(variant);
        UploadReceipt a = upload(fed, "site-a", same, "cat", "a1");
        long modulesAfterA = status(fed).getModules();
        UploadReceipt b = upload(fed, "site-b", same, "cat", "b1");
        // The second site's answer is that of a new admission: nothing says another site holds these bytes.
        assertEquals(a.getModuleId(), b.getModuleId(), "identical bytes, identical content hash");
        assertFalse(a.getAlreadyStored());
        assertFalse(b.getAlreadyStored());
        assertEquals(a.getChecksPassedList(), b.getChecksPassedList());
        assertEquals(a.getStoredBytes(), b.getStoredBytes());
        assertEquals(modulesAfterA + 1, status(fed).getModules(), "the status counts the second site's module too");
        // The same site sending it again is a repeat, as always.
        assertTrue(upload(fed, "site-b", same, "cat", "b2").getAlreadyStored());
        String aOnly = upload(fed, "site-a", ModuleFixtures.decoder(variant + 1), "owl", "a2").getModuleId();
        String c = upload(fed, "site-c", ModuleFixtures.decoder(variant + 2), "dog", "c1").getModuleId();

        // Each site lists only its own modules, and sees the shared one as its own.
        List<ModuleRecord> ofB = Clients.admin(Clients.site("site-b")).listModules(ListModulesRequest.newBuilder()
                .setFederationId(fed).setSiteId("site-b").build()).getModulesList();
        assertEquals(List.of(a.getModuleId()), ofB.stream().map(ModuleRecord::getModuleId).toList());
        assertEquals("site-b", ofB.get(0).getManifest().getSiteId());
        var denied = assertThrows(StatusRuntimeException.class, () -> Clients.admin(Clients.site("site-b"))
                .listModules(ListModulesRequest.newBuilder().setFederationId(fed).setSiteId("site-a").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        // The coordinator sees the module once per site that holds it.
        assertEquals(List.of("site-a", "site-b"), admin.listModules(ListModulesRequest.newBuilder().setFederationId(fed).build())
                .getModulesList().stream().filter(m -> m.getModuleId().equals(a.getModuleId()))
                .map(m -> m.getManifest().getSiteId()).sorted().toList());

        admin.startTraining(StartTrainingRequest.newBuilder().setFederationId(fed).build());
        ModelVersionInfo v1 = awaitVersions(fed, 1).get(0);
        assertEquals(List.of(a.getModuleId(), aOnly, c).stream().sorted().toList(), v1.getLineageList());
        return new Shared(fed, a.getModuleId(), aOnly, c, v1);
    }

    @Test
    void deletingTheFirstSiteKeepsTheSecondSitesIdenticalModule() throws Exception {
        Shared f = federation("fed-identical-a", 101);
        DeleteModulesResponse deletion = delete(f.fed(), "site-a");
        assertEquals(List.of(f.aOnly()), deletion.getDeletedModuleIdsList(), "only what site-a alone held is deleted");
        assertEquals(List.of(f.shared()), deletion.getReleasedModuleIdsList());
        assertEquals(List.of(f.v1().getVersion()), deletion.getRevokedVersionsList());
        UnlearningCertificate cert = awaitCertificate(deletion.getCertificateId());
        assertEquals(List.of(f.shared(), f.c()).stream().sorted().toList(), cert.getNewLineageList(),
                "site-b's contribution stays in the model");
        assertEquals(List.of(f.shared()), cert.getReleasedModuleIdsList());
        assertTrue(cert.getFromScratchMatches());
        // site-a holds nothing any more; site-b holds the module, which now names site-b.
        assertEquals(List.of(), own(f.fed(), "site-a"));
        List<ModuleRecord> ofB = own(f.fed(), "site-b");
        assertEquals(1, ofB.size());
        assertEquals(ModuleState.MODULE_STATE_ADMITTED, ofB.get(0).getState());
        assertEquals(List.of("site-b", "site-c"), status(f.fed()).getSitesList());

        // Deleting site-b then deletes the module itself.
        DeleteModulesResponse second = delete(f.fed(), "site-b");
        assertEquals(List.of(f.shared()), second.getDeletedModuleIdsList());
        assertEquals(List.of(), second.getReleasedModuleIdsList());
        assertEquals(List.of(cert.getNewVersion()), second.getRevokedVersionsList());
        assertEquals(List.of(f.c()), awaitCertificate(second.getCertificateId()).getNewLineageList());
    }

    @Test
    void deletingTheSecondSiteChangesNothingTheModelDependsOn() throws Exception {
        Shared f = federation("fed-identical-b", 201);
        DeleteModulesResponse deletion = delete(f.fed(), "site-b");
        assertEquals(List.of(), deletion.getDeletedModuleIdsList());
        assertEquals(List.of(f.shared()), deletion.getReleasedModuleIdsList());
        assertEquals(List.of(), deletion.getRevokedVersionsList(), "no version depended on site-b alone");
        UnlearningCertificate cert = awaitCertificate(deletion.getCertificateId());
        // Retrained without site-b's claim: the same lineage and bit-identical weights, as a federation that
        // site-b never joined would have (site-a's identical module is there).
        assertEquals(f.v1().getLineageList(), cert.getNewLineageList());
        assertEquals(f.v1().getWeightSha256(), cert.getWeightSha256());
        assertTrue(cert.getFromScratchMatches());
        // No version depended on site-b alone, so v1, unrevoked and of exactly these modules, is the model
        // without site-b: training announces it again instead of publishing the same model twice.
        assertEquals(f.v1().getVersion(), cert.getNewVersion());
        assertEquals(List.of(), own(f.fed(), "site-b"));
        assertEquals(2, own(f.fed(), "site-a").size(), "site-a keeps both its modules");
        var none = assertThrows(StatusRuntimeException.class, () -> delete(f.fed(), "site-b"));
        assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());
    }

    private UploadReceipt upload(String fed, String site, byte[] onnx, String label, String upload) {
        var manifest = ModuleFixtures.decoderManifest(onnx, site, label);
        return UploadCall.upload(ModuleFixtures.header(fed, "up-" + fed + "-" + upload, manifest, onnx.length), onnx, 0, 512);
    }

    private List<ModuleRecord> own(String fed, String site) {
        return admin.listModules(ListModulesRequest.newBuilder().setFederationId(fed).setSiteId(site).build()).getModulesList();
    }

    private FederationStatus status(String fed) {
        return admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build());
    }

    private DeleteModulesResponse delete(String fed, String site) {
        return auditor.deleteModules(DeleteModulesRequest.newBuilder().setFederationId(fed).setSiteId(site)
                .setReason("consent withdrawn").build());
    }

    private List<ModelVersionInfo> awaitVersions(String fed, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            var versions = admin.listModelVersions(ListModelVersionsRequest.newBuilder().setFederationId(fed).build())
                    .getVersionsList();
            if (versions.size() >= n) return versions;
            Thread.sleep(250);
        }
        throw new AssertionError("no model version " + n + " of " + fed + " within 240 s: " + status(fed));
    }

    private UnlearningCertificate awaitCertificate(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            UnlearningCertificate c = auditor.getCertificate(GetCertificateRequest.newBuilder().setCertificateId(id).build());
            if (c.getComplete()) return c;
            Thread.sleep(250);
        }
        throw new AssertionError("certificate " + id + " not complete within 240 s");
    }
}
