package io.fedfactory.aggregator.admission;

import io.fedfactory.aggregator.fixtures.BrokerRecords;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.PrivacyFixtures;
import io.fedfactory.aggregator.fixtures.PrivacyFixtures.AuditedModule;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.RecordKinds;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.lineage.PrivacyWire;
import io.fedfactory.privacy.DpGuarantee;
import io.fedfactory.privacy.DpSgdConfig;
import io.fedfactory.privacy.RdpAccountant;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.DifferentialPrivacy;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.PrivacyPolicy;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.fedfactory.aggregator.fixtures.ModuleFixtures.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The federation's privacy policy at admission, over the real gRPC upload into the real store, with
 * modules trained by DJL and audited (sampled in ONNX Runtime) as a site does before upload.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class PrivacyPolicyTest {

    static final PrivacyPolicy AUDITED = PrivacyPolicy.newBuilder().setRequireMemorizationReport(true)
            .setMaxCopyRate(0.05).build();
    static AuditedModule memorizing;
    static AuditedModule normal;

    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();

    @Inject
    AggregatorStore store;

    @BeforeAll
    static void trainAndAudit() throws Exception {
        AuditedModule[] both = PrivacyFixtures.memorizingAndNormal("site-a");
        memorizing = both[0];
        normal = both[1];
    }

    @Test
    void theSiteFlagsTheMemorizingModuleAndAdmissionRefusesItNamingTheLimit() {
        assertTrue(memorizing.report().flagged(), memorizing.report().summary());
        String fed = federation("priv-memorizing", AUDITED);
        Map<String, String> refusal = refused(fed, memorizing.onnx(), memorizing.manifest());
        assertEquals("manifest.memorization.pixel.copy_rate", refusal.get(TypedErrors.FIELD), refusal.toString());
        assertTrue(Double.parseDouble(refusal.get(TypedErrors.VALUE)) > 0.05, refusal.toString());
        assertEquals("spec.privacy_policy.max_copy_rate=0.05", refusal.get(TypedErrors.LIMIT));
    }

    @Test
    void aNormalModuleWithItsReportPasses() {
        assertFalse(normal.report().flagged(), normal.report().summary());
        String fed = federation("priv-normal", AUDITED);
        UploadReceipt r = upload(fed, normal.onnx(), normal.manifest());
        assertTrue(r.getChecksPassedList().contains("privacy_policy"), r.getChecksPassedList().toString());
        assertTrue(store.module(r.getModuleId()).isPresent());
    }

    @Test
    void aModuleWithoutAReportIsRefusedWhenThePolicyRequiresOne() {
        String fed = federation("priv-no-report", AUDITED);
        Map<String, String> refusal = refused(fed, normal.onnx(), normal.manifest().toBuilder().clearMemorization().build());
        assertEquals(Map.of("check", "privacy_policy", TypedErrors.FIELD, "manifest.memorization"), refusal);
    }

    @Test
    void aReportWhoseVerdictContradictsItsNumbersIsRefused() {
        String fed = federation("priv-contradiction", PrivacyPolicy.getDefaultInstance());
        var forged = memorizing.manifest().getMemorization().toBuilder().setFlagged(false).clearReasons().build();
        Map<String, String> refusal = refused(fed, memorizing.onnx(), memorizing.manifest().toBuilder().setMemorization(forged).build());
        assertEquals(Map.of("check", "privacy_policy", TypedErrors.FIELD, "manifest.memorization.flagged"), refusal);
        var pValue = normal.manifest().getMemorization().toBuilder()
                .setPixel(normal.manifest().getMemorization().getPixel().toBuilder().setZuPValue(0.5)).build();
        refusal = refused(fed, normal.onnx(), normal.manifest().toBuilder().setMemorization(pValue).build());
        assertEquals(Map.of("check", "privacy_policy", TypedErrors.FIELD, "manifest.memorization.pixel.zu_p_value",
                TypedErrors.VALUE, "0.5"), refusal);
    }

    @Test
    void epsilonIsHeldToThePolicyAndToItsOwnAccounting() {
        // A policy of DP alone; the (refused elsewhere) memorizing module stands in, its DP figures written here.
        PrivacyPolicy dp = PrivacyPolicy.newBuilder().setMaxEpsilon(4).setDelta(1e-5).build();
        String fed = federation("priv-epsilon", dp);
        Map<String, String> absent = refused(fed, memorizing.onnx(), memorizing.manifest());
        assertEquals(Map.of("check", "privacy_policy", TypedErrors.FIELD, "manifest.provenance.differential_privacy",
                TypedErrors.LIMIT, "spec.privacy_policy.max_epsilon=4"), absent);

        double q = 64 / 900.0;
        long steps = 8 * 15;
        double eps = new RdpAccountant().compose(q, 0.6, steps).epsilon(1e-5).epsilon();
        assertTrue(eps > 4, "noise 0.6 over 120 steps spends more than 4: " + eps);
        Map<String, String> over = refused(fed, memorizing.onnx(), withDp(memorizing.manifest(), q, 0.6, steps, eps));
        assertEquals("manifest.provenance.differential_privacy.epsilon", over.get(TypedErrors.FIELD), over.toString());
        assertEquals(eps, Double.parseDouble(over.get(TypedErrors.VALUE)), eps * 1e-5, over.toString());
        assertEquals("spec.privacy_policy.max_epsilon=4", over.get(TypedErrors.LIMIT));
        Map<String, String> understated = refused(fed, memorizing.onnx(), withDp(memorizing.manifest(), q, 0.6, steps, 3.0));
        assertEquals("manifest.provenance.differential_privacy.epsilon", understated.get(TypedErrors.FIELD), understated.toString());
        assertEquals("3", understated.get(TypedErrors.VALUE));
        assertTrue(understated.get(TypedErrors.LIMIT).startsWith(">= "), understated.toString());
        assertTrue(Double.parseDouble(understated.get(TypedErrors.LIMIT).substring(3)) > 3, understated.toString());

        double within = new RdpAccountant().compose(q, 2.0, steps).epsilon(1e-5).epsilon();
        // Within the limit the check passes (not uploaded: the memorizing module must stay free for its own test).
        new ModuleAdmission(1).checkManifest(PrivacyFixtures.spec(fed, dp), withDp(memorizing.manifest(), q, 2.0, steps, within));
    }

    @Test
    void aTwoPhaseLatentDiffusionGuaranteePassesAndAForgedEpsilonIsRefused() {
        PrivacyPolicy dp = PrivacyPolicy.newBuilder().setMaxEpsilon(8).setDelta(1e-5).build();
        String fed = federation("priv-phases", dp);
        // A latent-diffusion module's guarantee as its site records it (DpGuarantee to PrivacyWire): the
        // autoencoder on 900 images, then the denoiser on their latents; the memorizing module stands in.
        DpSgdConfig site = new DpSgdConfig(4.0, 1.0, 8, 1e-5);
        DpGuarantee autoencoder = DpGuarantee.account(site, 64 / 900.0, 8 * 15);
        DpGuarantee both = autoencoder.then(DpGuarantee.account(site, 64 / 900.0, 400));
        double composed = new RdpAccountant().compose(64 / 900.0, 2.0, 120).compose(64 / 900.0, 2.0, 400)
                .epsilon(1e-5).epsilon();
        assertEquals(composed, both.epsilon(), 1e-12);
        assertTrue(composed < 8 && composed > autoencoder.epsilon() + 1,
                "the denoiser phase adds to the autoencoder's " + autoencoder.epsilon() + ": " + composed);
        DifferentialPrivacy wire = PrivacyWire.toWire(both);
        new ModuleAdmission(1).checkManifest(PrivacyFixtures.spec(fed, dp), withDp(memorizing.manifest(), wire));

        // Claiming the autoencoder's epsilon alone, with both phases listed, is refused and stores nothing.
        Map<String, String> forged = refused(fed, memorizing.onnx(),
                withDp(memorizing.manifest(), wire.toBuilder().setEpsilon(autoencoder.epsilon()).build()));
        assertEquals("manifest.provenance.differential_privacy.epsilon", forged.get(TypedErrors.FIELD), forged.toString());
        assertTrue(Double.parseDouble(forged.get(TypedErrors.LIMIT).substring(3)) > autoencoder.epsilon(), forged.toString());
        ModuleRejectedException badPhase = assertThrows(ModuleRejectedException.class, () -> new ModuleAdmission(1)
                .checkManifest(PrivacyFixtures.spec(fed, dp), withDp(memorizing.manifest(), wire.toBuilder()
                        .setLaterPhases(0, wire.getLaterPhases(0).toBuilder().setSteps(0)).build())));
        assertEquals(AdmissionCheck.PRIVACY_POLICY, badPhase.check());
        assertEquals("manifest.provenance.differential_privacy.later_phases[0].steps must be >= 1, got 0",
                badPhase.detail());
    }

    private static ModuleManifest withDp(ModuleManifest m, DifferentialPrivacy dp) {
        return m.toBuilder().setProvenance(m.getProvenance().toBuilder().setDifferentialPrivacy(dp)).build();
    }

    private static ModuleManifest withDp(ModuleManifest m, double q, double noise, long steps, double epsilon) {
        return m.toBuilder().setProvenance(m.getProvenance().toBuilder().setDifferentialPrivacy(DifferentialPrivacy
                .newBuilder().setEpsilon(epsilon).setDelta(1e-5).setNoiseMultiplier(noise).setClipNorm(1)
                .setMicrobatchSize(1).setSamplingRate(q).setSteps(steps).setSampling("poisson")
                .setAccountant("rdp-improved"))).build();
    }

    private String federation(String id, PrivacyPolicy policy) {
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(PrivacyFixtures.spec(id, policy)).build());
        return id;
    }

    private static UploadReceipt upload(String fed, byte[] onnx, ModuleManifest manifest) {
        return UploadCall.upload(header(fed, UUID.randomUUID().toString(), manifest, onnx.length), onnx, 0, 65536);
    }

    /** Uploads, expects refusal by privacy_policy with nothing stored, and returns the refusal's ErrorInfo metadata. */
    private Map<String, String> refused(String fed, byte[] onnx, ModuleManifest manifest) {
        String uploadId = UUID.randomUUID().toString();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> UploadCall.upload(header(fed, uploadId, manifest, onnx.length), onnx, 0, 65536));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals("PRIVACY_POLICY", TypedErrors.reason(e), e.getStatus().toString());
        Map<String, String> metadata = TypedErrors.info(e).orElseThrow().getMetadataMap();
        assertEquals("privacy_policy", metadata.get("check"));

        Event event = BrokerRecords.single("fedfactory.modules", uploadId);
        assertEquals("privacy_policy", event.getModuleRejected().getFailedCheck());
        String moduleId = manifest.getContentSha256();
        assertTrue(store.module(moduleId).isEmpty(), "no module record");
        assertFalse(store.blobs(RecordKinds.MODULE_BLOBS).contains(moduleId), "no module bytes");
        assertFalse(store.parts().exists(uploadId), "no partial bytes");
        assertTrue(store.upload(uploadId).isEmpty(), "no upload record");
        assertEquals(0, admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(fed).build())
                .getModules());
        return metadata;
    }
}
