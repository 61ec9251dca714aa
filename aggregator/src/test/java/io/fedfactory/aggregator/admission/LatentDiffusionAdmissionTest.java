package io.fedfactory.aggregator.admission;

import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.LatentDiffusionSampling;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.latent.LatentDiffusionTrainer;
import io.fedfactory.generative.latent.LatentDiffusionTrainingConfig;
import io.fedfactory.onnx.OnnxGraphBuilder;
import io.fedfactory.proto.v1.DiffusionSampler;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.LatentDiffusionSampler;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.ModuleManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission of latent-diffusion modules: a real trained one passes; malformed ones fail naming the check. */
class LatentDiffusionAdmissionTest {

    static final int LATENT = 64;
    static final FederationSpec SPEC = ModuleFixtures.spec("fed-latent").toBuilder()
            .addAcceptedKinds(ModuleKind.MODULE_KIND_LATENT_DIFFUSION).build();
    static ModuleAdmission admission;
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        admission = new ModuleAdmission(1);
        dir = Files.createDirectories(Path.of("target", "admission-tests"));
    }

    @Test
    void aTrainedModulePassesEveryCheck() {
        ImageSpec spec = new ImageSpec(1, 8, 8, 0f, 1f);
        int n = 64;
        float[] pixels = new float[n * spec.pixels()];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
        Dataset cats = new Dataset("cats", spec, ModuleFixtures.LABELS, pixels, new int[n]);
        DecoderTrainingConfig autoencoder = new DecoderTrainingConfig(32, 16, 2, 16, 1e-3f, 4L, 1).withKlWeight(0.1f);
        TrainedModule m = new LatentDiffusionTrainer(LatentDiffusionTrainingConfig.defaults(autoencoder)
                .withDenoiser(32, 1, 20)).train(cats, "site-a");
        assertEquals(AdmissionCheck.ids(), admission.admit(SPEC, manifest(m.onnx(), 16, 32), file(m.onnx())));
    }

    @Test
    void theManifestMustCarryTheLatentSampler() {
        byte[] onnx = graph(1f);
        ModuleManifest ok = manifest(onnx, LATENT, 8);
        assertEquals(AdmissionCheck.ids(), admission.admit(SPEC, ok, file(onnx)));
        rejected(AdmissionCheck.MANIFEST, "manifest.latent_diffusion must be set for kind MODULE_KIND_LATENT_DIFFUSION",
                onnx, ok.toBuilder().setDiffusion(DiffusionSampler.newBuilder().setSteps(8)).build());
        rejected(AdmissionCheck.MANIFEST, "manifest.latent_diffusion.diffusion.steps must be in [1, 1000], got 0", onnx,
                manifest(onnx, LATENT, 0));
        rejected(AdmissionCheck.MANIFEST, "manifest.latent_diffusion.latent_dim must be in [1, 4096], got 0", onnx,
                ok.toBuilder().setLatentDiffusion(ok.getLatentDiffusion().toBuilder().setLatentDim(0)).build());
        FederationSpec withoutLatent = ModuleFixtures.spec("fed-latent");
        ModuleRejectedException e = assertThrows(ModuleRejectedException.class,
                () -> admission.admit(withoutLatent, ok, file(onnx)));
        assertTrue(e.getMessage().startsWith("manifest: manifest.kind MODULE_KIND_LATENT_DIFFUSION is not accepted"),
                e.getMessage());
    }

    @Test
    void theGraphMustFollowTheContract() {
        byte[] decoder = ModuleFixtures.decoder(1);
        rejected(AdmissionCheck.IO_SIGNATURE, "inputs must be exactly [sigma, x], got [z]", decoder,
                manifest(decoder, 8, 8));
        byte[] onnx = graph(1f);
        rejected(AdmissionCheck.IO_SIGNATURE, "input 'x' must have shape [N,16], got [N,64]", onnx, manifest(onnx, 16, 8));
        // A pixel-space denoiser has no 'image' output and the wrong rank.
        byte[] denoiser = ModuleFixtures.denoiser();
        rejected(AdmissionCheck.IO_SIGNATURE, "input 'x' must have shape [N,64], got [N,1,8,8]", denoiser,
                manifest(denoiser, LATENT, 8));
    }

    @Test
    void theSamplingPassMustStayFiniteAndInRange() {
        byte[] outOfRange = graph(3f);
        rejected(AdmissionCheck.PROBE_RANGE, "for the decoded end of a 8-step seeded sampling pass", outOfRange,
                manifest(outOfRange, LATENT, 8));
        byte[] exploding = graph(Float.POSITIVE_INFINITY);
        rejected(AdmissionCheck.PROBE_FINITE, "non-finite values", exploding, manifest(exploding, LATENT, 8));
    }

    /**
     * D(x; sigma) = x / (1 + sigma^2) on a 64-long latent; image = sigmoid(denoised) * scale as [N,1,8,8]:
     * in range for scale 1, out of it for scale 3, infinite for an infinite scale.
     */
    static byte[] graph(float scale) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("latent");
        String x = g.input("x", -1, LATENT);
        String sigma = g.input("sigma", -1);
        String s2 = g.node("Mul", sigma, sigma);
        String d = g.node("Reshape", g.node("Add", s2, g.scalar("one", 1f)), g.initializer("to2d", new long[] {-1, 1}, 2));
        String denoised = g.node("Div", x, d);
        String act = g.node("Mul", g.node("Sigmoid", denoised), g.scalar("scale", scale));
        String image = g.node("Reshape", act, g.initializer("to4d", new long[] {-1, 1, 8, 8}, 4));
        g.identity(denoised, "denoised");
        g.identity(image, "image");
        g.output("denoised", -1, LATENT);
        g.output("image", -1, 1, 8, 8);
        return g.toBytes("fedfactory-test", Map.of());
    }

    static ModuleManifest manifest(byte[] onnx, int latent, int steps) {
        LatentDiffusionSampling defaults = LatentDiffusionSampling.defaults(latent);
        return ModuleFixtures.decoderManifest(onnx, "site-a", "cat").toBuilder()
                .setKind(ModuleKind.MODULE_KIND_LATENT_DIFFUSION)
                .setLatentDiffusion(LatentDiffusionSampler.newBuilder().setLatentDim(latent)
                        .setDiffusion(DiffusionSampler.newBuilder().setSteps(steps)
                                .setSigmaMin((float) defaults.diffusion().sigmaMin())
                                .setSigmaMax((float) defaults.diffusion().sigmaMax())
                                .setRho((float) defaults.diffusion().rho())
                                .setSigmaData((float) defaults.diffusion().sigmaData())))
                .build();
    }

    private static void rejected(AdmissionCheck check, String expected, byte[] onnx, ModuleManifest manifest) {
        AdmissionAssertions.rejected(admission, SPEC, check, expected, onnx, manifest);
    }

    private static Path file(byte[] bytes) {
        return AdmissionAssertions.file(bytes);
    }
}
