package io.fedfactory.generative;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.onnx.OnnxGraphBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Modules not made by this library's trainers: the sampler needs only the ONNX bytes and the manifest. */
class ForeignModuleTest {

    static final ImageSpec SPEC = new ImageSpec(1, 4, 4, 0f, 255f);
    static final float MU = -0.2f;
    static final float S = 0.3f;

    /** The ideal denoiser of N(MU, S^2) data, D = MU + S^2/(S^2 + sigma^2)(x - MU), with sigma as [N,1,1,1]. */
    static byte[] gaussianDenoiser(String sigmaName) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("foreign");
        String x = g.input("x", -1, 1, 4, 4);
        String sigma = g.input(sigmaName, -1, 1, 1, 1);
        String s2 = g.scalar("s2", S * S);
        String mu = g.scalar("mu", MU);
        String gain = g.node("Div", s2, g.node("Add", s2, g.node("Mul", sigma, sigma)));
        g.identity(g.node("Add", mu, g.node("Mul", gain, g.node("Sub", x, mu))), "denoised");
        g.output("denoised", -1, 1, 4, 4);
        return g.toBytes("elsewhere", Map.of());
    }

    static ModuleManifest manifest(byte[] onnx) {
        return new ModuleManifest(ModuleKind.DIFFUSION, List.of(new ClassLabel(0, "blob")), SPEC,
                DiffusionSampling.edmDefaults(), new TrainingProvenance(0, 0, 0, 0, 0, 1, 0, Map.of("numpy", "2"),
                Map.of()), "site-x", ContentHash.sha256Hex(onnx));
    }

    @Test
    void samplesAHandWrittenDenoiserWithSigmaAsAnImageTensor() {
        byte[] onnx = gaussianDenoiser("sigma");
        long[] seeds = ModuleSampler.seedsFor(4, 3);
        float[] images;
        try (ModuleSampler sampler = ModuleSampler.open(onnx, manifest(onnx), SamplingOptions.defaults().withDiffusionSteps(200))) {
            images = sampler.sample(seeds);
        }
        for (int i = 0; i < seeds.length; i++) {
            float[] noise = new float[16];
            new SplitMix64(seeds[i]).fillGaussian(noise, 0, 16);
            for (int k = 0; k < 16; k++) {
                double xT = 80.0 * noise[k];
                double exact = MU + (xT - MU) * S / Math.sqrt(S * S + 6400);
                double expectedImage = Math.min(255, Math.max(0, (exact + 1) * 127.5));
                assertEquals(expectedImage, images[i * 16 + k], 127.5 * 5e-4, "sample " + i + " pixel " + k);
            }
        }
    }

    @Test
    void rejectsAGraphThatDoesNotFollowTheKindsContract() {
        byte[] onnx = gaussianDenoiser("noise_level");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModuleSampler.open(onnx, manifest(onnx), SamplingOptions.defaults()));
        assertTrue(e.getMessage().contains("inputs must be exactly [sigma, x]") && e.getMessage().contains("noise_level"),
                e.getMessage());

        ImageSpec other = ImageSpec.unitRange(1, 5, 5);
        byte[] good = gaussianDenoiser("sigma");
        ModuleManifest wrongSpec = new ModuleManifest(ModuleKind.DIFFUSION, List.of(new ClassLabel(0, "blob")), other,
                DiffusionSampling.edmDefaults(), manifest(good).provenance(), "site-x", ContentHash.sha256Hex(good));
        e = assertThrows(IllegalArgumentException.class, () -> ModuleSampler.open(good, wrongSpec, SamplingOptions.defaults()));
        assertTrue(e.getMessage().contains("input 'x' must have shape [N,1,5,5], got [N,1,4,4]"), e.getMessage());
    }
}
