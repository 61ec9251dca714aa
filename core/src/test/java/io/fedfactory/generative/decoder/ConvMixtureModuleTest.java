package io.fedfactory.generative.decoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TestImages;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.nn.DjlTensorOps;
import io.fedfactory.generative.nn.OnnxWeights;
import io.fedfactory.generative.nn.Weights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A decoder module with the convolutional autoencoder and a fitted mixture prior baked into its graph. */
class ConvMixtureModuleTest {

    static final ImageSpec SPEC = new ImageSpec(1, 12, 12, -1f, 1f);
    static final int LATENT = 4;
    static final DecoderTrainingConfig CONFIG = new DecoderTrainingConfig(64, LATENT, 4, 32, 2e-3f, 6L, 2)
            .withKlWeight(0.1f).withFittedPrior(1f).withConvolutions(8).withPriorComponents(3);

    static Dataset images;
    static TrainedModule module;

    @BeforeAll
    static void train() {
        // Two styles of one class (blobs of two sizes at two places): a mixture has something to find.
        Dataset a = TestImages.oneClass(0, 120, SPEC, 4L);
        Dataset b = TestImages.oneClass(2, 120, SPEC, 5L);
        float[] px = new float[(a.size() + b.size()) * SPEC.pixels()];
        System.arraycopy(a.pixelsView(), 0, px, 0, a.size() * SPEC.pixels());
        System.arraycopy(b.pixelsView(), 0, px, a.size() * SPEC.pixels(), b.size() * SPEC.pixels());
        images = new Dataset("two-styles", SPEC, TestImages.LABELS, px, new int[a.size() + b.size()]);
        module = new DecoderTrainer(CONFIG).train(images, "site-m");
    }

    @Test
    void theNoiseHasOneMoreValueThatPicksTheComponent() {
        ModuleManifest m = module.manifest();
        assertEquals(new DecoderSampling(LATENT + 1), m.sampler(), "latent 4 plus the component's standard normal");
        assertEquals("conv-vae", m.provenance().hyperparameters().get("architecture"));
        assertEquals("8", m.provenance().hyperparameters().get("convWidth"));
        assertEquals("3", m.provenance().hyperparameters().get("priorComponentsFitted"));
        assertEquals("fitted-gaussian-mixture(components<=3, temperature=1.0)",
                m.provenance().hyperparameters().get("latentPrior"));
        Weights w = OnnxWeights.read(module.onnx());
        assertArrayEquals(new long[] {3 * LATENT, LATENT}, w.get(MixturePrior.SCALE).shape());
        assertArrayEquals(new long[] {3 * LATENT}, w.get(MixturePrior.MEAN).shape());
        float[] t = w.get(MixturePrior.THRESHOLDS).values();
        assertEquals(2, t.length);
        assertTrue(t[0] < t[1], "thresholds must increase: " + t[0] + ", " + t[1]);
    }

    @Test
    void onnxSamplingMatchesDjlSampling() {
        long[] seeds = ModuleSampler.seedsFor(40, 78);
        float[] viaOnnx;
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults())) {
            viaOnnx = sampler.sample(seeds);
        }
        float[] viaDjl;
        try (DjlDecoder djl = new DjlDecoder(CONFIG.autoencoder(SPEC, 3), OnnxWeights.read(module.onnx()))) {
            viaDjl = new LatentDecoding(djl, SPEC, LATENT + 1).generate(seeds);
        }
        double diff = TestImages.maxAbsDiff(viaOnnx, viaDjl);
        assertTrue(diff < 1e-4, "ONNX Runtime and DJL samples differ by " + diff);
    }

    @Test
    void theLastNoiseValuePicksTheComponentByTheThresholds() {
        Weights w = OnnxWeights.read(module.onnx());
        float[] means = w.get(MixturePrior.MEAN).values();
        float[] t = w.get(MixturePrior.THRESHOLDS).values();
        // e = 0, so z is the chosen component's mean; u below, between and above the thresholds.
        float[] u = {t[0] - 1f, (t[0] + t[1]) / 2, t[1] + 1f};
        float[] noise = new float[3 * (LATENT + 1)];
        for (int i = 0; i < 3; i++) noise[i * (LATENT + 1) + LATENT] = u[i];
        float[] z;
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            Map<String, NDArray> params = new HashMap<>();
            for (String name : w.names()) params.put(name, m.create(w.get(name).values(), new Shape(w.get(name).shape())));
            z = MixturePrior.map(new DjlTensorOps(m, params), m.create(noise, new Shape(3, LATENT + 1)), LATENT, 3)
                    .toFloatArray();
        }
        for (int c = 0; c < 3; c++) {
            for (int j = 0; j < LATENT; j++) {
                assertEquals(means[c * LATENT + j], z[c * LATENT + j], 0f, "component " + c + ", dimension " + j);
            }
        }
    }

    @Test
    void samplingIsDeterministicAndBatchIndependent() {
        TestImages.assertBatchIndependent(module, 50, 9);
    }

    @Test
    void twoTrainingsGiveTheSameBits() {
        assertEquals(module.id(), new DecoderTrainer(CONFIG).train(images, "site-m").id());
        assertNotEquals(module.id(), new DecoderTrainer(CONFIG.withPriorComponents(1)).train(images, "site-m").id());
    }

    @Test
    void aClassTooSmallForTheMixtureGetsOneGaussian() {
        assertEquals(1, MixturePrior.components(3, 79, LATENT), "79 images hold under 2 components of 10 x 4");
        assertEquals(2, MixturePrior.components(3, 80, LATENT));
        TrainedModule small = new DecoderTrainer(CONFIG).train(TestImages.oneClass(1, 60, SPEC, 8L), "site-s");
        assertEquals(new DecoderSampling(LATENT), small.manifest().sampler());
        assertEquals("1", small.manifest().provenance().hyperparameters().get("priorComponentsFitted"));
        assertArrayEquals(new long[] {LATENT, LATENT}, OnnxWeights.read(small.onnx()).get(FittedPrior.SCALE).shape());
    }

    @Test
    void configRejectsBadSettingsNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecoderTrainer(CONFIG).train(TestImages.oneClass(1, 100, DecoderModuleTest.SPEC, 1L), "s"));
        assertTrue(e.getMessage().contains("multiples of 4") && e.getMessage().contains("10x10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CONFIG.withConvolutions(6));
        assertTrue(e.getMessage().contains("convWidth") && e.getMessage().contains("6"), e.getMessage());
        DecoderTrainingConfig plain = new DecoderTrainingConfig(64, LATENT, 1, 32, 1e-3f, 1, 2);
        e = assertThrows(IllegalArgumentException.class, () -> plain.withPriorComponents(3));
        assertTrue(e.getMessage().contains("priorComponents") && e.getMessage().contains("fittedPrior"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CONFIG.withPriorComponents(65));
        assertTrue(e.getMessage().contains("priorComponents must be in [1, 64], got 65"), e.getMessage());
    }
}
