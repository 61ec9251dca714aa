package io.fedfactory.generative.decoder;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TestImages;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.nn.OnnxWeights;
import io.fedfactory.generative.nn.Weights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A decoder module with KL weight below 1 and an ex-post fitted Gaussian prior baked into its graph. */
class FittedPriorModuleTest {

    static final ImageSpec SPEC = DecoderModuleTest.SPEC;
    static final DecoderTrainingConfig CONFIG = new DecoderTrainingConfig(64, 8, 6, 32, 2e-3f, 5L, 2)
            .withKlWeight(0.25f).withFittedPrior(0.9f);

    static Dataset images;
    static TrainedModule module;

    @BeforeAll
    static void train() {
        images = TestImages.oneClass(1, 128, SPEC, 4L);
        module = new DecoderTrainer(CONFIG).train(images, "site-c");
    }

    @Test
    void graphKeepsTheDecoderSignatureAndCarriesThePrior() {
        ModuleManifest m = module.manifest();
        assertEquals(new DecoderSampling(8), m.sampler(), "samplers still feed 8 standard-normal values");
        assertEquals("0.25", m.provenance().hyperparameters().get("klWeight"));
        assertEquals("fitted-gaussian(temperature=0.9)", m.provenance().hyperparameters().get("latentPrior"));
        Weights w = OnnxWeights.read(module.onnx());
        assertArrayEquals(new long[] {8, 8}, w.get(FittedPrior.SCALE).shape());
        float[] scale = w.get(FittedPrior.SCALE).values();
        for (int i = 0; i < 8; i++) {
            assertTrue(scale[i * 8 + i] > 0, "Cholesky diagonal " + i + " is " + scale[i * 8 + i]);
            for (int j = i + 1; j < 8; j++) assertEquals(0f, scale[i * 8 + j]);
        }
        float[] mean = w.get(FittedPrior.MEAN).values();
        assertFalse(Arrays.equals(new float[8], mean), "a fitted mean of exactly zero would mean nothing was fitted");
    }

    @Test
    void onnxSamplingMatchesDjlSamplingThroughThePrior() {
        long[] seeds = ModuleSampler.seedsFor(20, 78);
        float[] viaOnnx;
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults())) {
            viaOnnx = sampler.sample(seeds);
        }
        Weights weights = OnnxWeights.read(module.onnx());
        float[] viaDjl;
        try (DjlDecoder djl = new DjlDecoder(new Vae(SPEC, 64, 8, true), weights)) {
            viaDjl = new LatentDecoding(djl, SPEC, 8).generate(seeds);
        }
        double diff = TestImages.maxAbsDiff(viaOnnx, viaDjl);
        assertTrue(diff < 1e-4, "ONNX Runtime and DJL samples differ by " + diff);
        float[] withoutPrior;
        try (DjlDecoder djl = new DjlDecoder(new Vae(SPEC, 64, 8, false), weights)) {
            withoutPrior = new LatentDecoding(djl, SPEC, 8).generate(seeds);
        }
        assertTrue(TestImages.maxAbsDiff(viaOnnx, withoutPrior) > 1e-3, "the prior must change what is decoded");
    }

    @Test
    void samplingIsDeterministicAndBatchIndependent() {
        TestImages.assertBatchIndependent(module, 50, 9);
    }

    @Test
    void trainingIsDeterministicAndTheKlWeightMatters() {
        assertEquals(module.id(), new DecoderTrainer(CONFIG).train(images, "site-c").id());
        assertNotEquals(module.id(), new DecoderTrainer(CONFIG.withKlWeight(1f)).train(images, "site-c").id());
    }

    @Test
    void configRejectsBadPriorSettingsNamingTheField() {
        DecoderTrainingConfig plain = new DecoderTrainingConfig(64, 8, 1, 32, 1e-3f, 1, 2);
        assertFalse(plain.fittedPrior());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain.withKlWeight(0f));
        assertTrue(e.getMessage().contains("klWeight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plain.withFittedPrior(2.5f));
        assertTrue(e.getMessage().contains("priorTemperature") && e.getMessage().contains("2.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DecoderTrainingConfig(64, 8, 1, 32, 1e-3f, 1, 2, 1f, false, 0.5f));
        assertTrue(e.getMessage().contains("fittedPrior"), e.getMessage());
    }
}
