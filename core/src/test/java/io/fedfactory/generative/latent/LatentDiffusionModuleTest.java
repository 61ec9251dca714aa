package io.fedfactory.generative.latent;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.LatentDiffusionSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TestImages;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderModuleTest;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.decoder.Vae;
import io.fedfactory.generative.nn.OnnxWeights;
import io.fedfactory.generative.nn.Weights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A latent-diffusion module: trained with DJL, exported as one ONNX graph, sampled with ONNX Runtime. */
class LatentDiffusionModuleTest {

    static final ImageSpec SPEC = DecoderModuleTest.SPEC;
    static final DecoderTrainingConfig AUTOENCODER = new DecoderTrainingConfig(64, 16, 4, 32, 2e-3f, 7L, 2)
            .withKlWeight(0.1f);
    static final LatentDiffusionTrainingConfig CONFIG = LatentDiffusionTrainingConfig.defaults(AUTOENCODER)
            .withDenoiser(32, 2, 60).withSampling(LatentDiffusionSampling.defaults(16).withHeunSteps(6));

    static Dataset images;
    static TrainedModule module;

    @BeforeAll
    static void train() {
        images = TestImages.oneClass(2, 96, SPEC, 11L);
        module = new LatentDiffusionTrainer(CONFIG).train(images, "site-l");
    }

    @Test
    void manifestDeclaresTheKindTheScheduleAndTheProvenance() {
        ModuleManifest m = module.manifest();
        assertEquals(ModuleKind.LATENT_DIFFUSION, m.kind());
        assertEquals(CONFIG.sampling(), m.sampler());
        assertEquals("32", m.provenance().hyperparameters().get("denoiser.width"));
        assertEquals("0.1", m.provenance().hyperparameters().get("autoencoder.klWeight"));
        Weights w = OnnxWeights.read(module.onnx());
        assertArrayEquals(new long[] {16}, w.get(LatentDiffusionModel.STD).shape());
        for (float s : w.get(LatentDiffusionModel.STD).values()) assertTrue(s > 0, "latent std " + s);
    }

    @Test
    void onnxSamplingMatchesDjlSampling() {
        long[] seeds = ModuleSampler.seedsFor(24, 5);
        float[] viaOnnx;
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults())) {
            viaOnnx = sampler.sample(seeds);
        }
        LatentDiffusionModel model = new LatentDiffusionModel(new Vae(SPEC, 64, 16, false),
                new LatentDenoiser(16, 32, 2, 1.0));
        float[] viaDjl;
        try (DjlLatentModel djl = new DjlLatentModel(model, OnnxWeights.read(module.onnx()))) {
            viaDjl = new LatentHeunSampler(djl, SPEC, CONFIG.sampling()).generate(seeds);
        }
        double diff = TestImages.maxAbsDiff(viaOnnx, viaDjl);
        assertTrue(diff < 1e-4, "ONNX Runtime and DJL samples differ by " + diff);
        for (float v : viaOnnx) assertTrue(Float.isFinite(v) && v >= SPEC.valueMin() && v <= SPEC.valueMax(), "value " + v);
    }

    @Test
    void samplingIsDeterministicAndBatchIndependent() {
        TestImages.assertBatchIndependent(module, 40, 13);
        long[] seeds = ModuleSampler.seedsFor(40, 13);
        float[] big;
        float[] fewerSteps;
        try (ModuleSampler s = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults())) {
            big = s.sample(seeds);
        }
        try (ModuleSampler s = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults().withDiffusionSteps(3))) {
            fewerSteps = s.sample(seeds);
        }
        assertTrue(TestImages.maxAbsDiff(big, fewerSteps) > 0, "the step override must reach the sampler");
    }

    @Test
    void trainingIsDeterministicAndDependsOnTheSeed() {
        assertEquals(module.id(), new LatentDiffusionTrainer(CONFIG).train(images, "site-l").id());
        LatentDiffusionTrainingConfig otherSeed = LatentDiffusionTrainingConfig.defaults(
                        new DecoderTrainingConfig(64, 16, 4, 32, 2e-3f, 8L, 2).withKlWeight(0.1f))
                .withDenoiser(32, 2, 60).withSampling(CONFIG.sampling());
        assertNotEquals(module.id(), new LatentDiffusionTrainer(otherSeed).train(images, "site-l").id());
    }

    @Test
    void configRefusesBadSettingsNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LatentDiffusionTrainingConfig.defaults(AUTOENCODER.withFittedPrior(1f)));
        assertTrue(e.getMessage().contains("fittedPrior"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CONFIG.withDenoiser(30, 2, 10));
        assertTrue(e.getMessage().contains("latentDiffusion.width") && e.getMessage().contains("30"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CONFIG.withSampling(LatentDiffusionSampling.defaults(8)));
        assertTrue(e.getMessage().contains("latentDim"), e.getMessage());
    }
}
