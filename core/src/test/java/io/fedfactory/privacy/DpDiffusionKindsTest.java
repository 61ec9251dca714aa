package io.fedfactory.privacy;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.LatentDiffusionSampling;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TestImages;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.diffusion.DiffusionTrainer;
import io.fedfactory.generative.diffusion.DiffusionTrainingConfig;
import io.fedfactory.generative.latent.LatentDiffusionModel;
import io.fedfactory.generative.latent.LatentDiffusionTrainer;
import io.fedfactory.generative.latent.LatentDiffusionTrainingConfig;
import io.fedfactory.generative.nn.OnnxWeights;
import io.fedfactory.generative.nn.Weights;
import io.fedfactory.lineage.PrivacyWire;
import io.fedfactory.proto.v1.DifferentialPrivacy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DP-SGD for the two diffusion kinds: real DJL training, ONNX export and ONNX Runtime sampling. */
class DpDiffusionKindsTest {

    static final DpSgdConfig DP = new DpSgdConfig(1.1, 1.0, 8, 1e-5);

    @Test
    void aPrivateDiffusionModuleRecordsTheAccountantsEpsilonAndSamplesFiniteImages() {
        ImageSpec spec = new ImageSpec(1, 28, 28, -0.5f, 2f);
        Dataset images = TestImages.oneClass(1, 64, spec, 11L);
        DiffusionTrainingConfig config = DiffusionTrainingConfig.defaults(24, 7L).withWidth(8).withBatchSize(16);
        List<Double> losses = new ArrayList<>();
        TrainedModule[] modules = timed("diffusion on 64 images, 24 steps of 16, width 8",
                () -> new DiffusionTrainer(config).train(images, "site-d"),
                () -> new DiffusionTrainer(config, DP).train(images, "site-d", (step, loss) -> losses.add(loss)));
        TrainedModule priv = modules[1];

        DpGuarantee g = DpGuarantee.fromProvenance(priv.manifest().provenance().hyperparameters()).orElseThrow();
        assertEquals(24, g.steps(), "as many steps as plain training");
        assertEquals(16 / 64.0, g.samplingRate(), 1e-15);
        assertEquals(0.55, g.noiseMultiplier(), 1e-15, "microbatches of 8: the accountant sees half the noise");
        assertEquals(new RdpAccountant().compose(0.25, 0.55, 24).epsilon(1e-5).epsilon(), g.epsilon(), 1e-12);
        assertTrue(g.laterPhases().isEmpty(), "one phase");
        assertTrue(DpGuarantee.fromProvenance(modules[0].manifest().provenance().hyperparameters()).isEmpty());
        assertNotEquals(modules[0].id(), priv.id(), "clipping and noise change the module");
        assertTrue(losses.stream().allMatch(Double::isFinite) && !losses.isEmpty(), "losses " + losses);
        assertFiniteSamples(priv, spec);
    }

    @Test
    void aPrivateLatentDiffusionModuleComposesBothPhasesAndSamplesFiniteImages() {
        ImageSpec spec = new ImageSpec(3, 10, 10, -1f, 1f);
        Dataset images = TestImages.oneClass(2, 96, spec, 11L);
        DecoderTrainingConfig autoencoder = new DecoderTrainingConfig(64, 16, 4, 32, 2e-3f, 7L, 2).withKlWeight(0.1f);
        LatentDiffusionTrainingConfig config = new LatentDiffusionTrainingConfig(autoencoder, 32, 2, 60, 24, 1e-3f,
                0.999f, -1.2, 1.2, LatentDiffusionSampling.defaults(16).withHeunSteps(6));
        TrainedModule[] modules = timed("latent diffusion on 96 images, autoencoder 4 epochs of 32, denoiser 60 steps of 24",
                () -> new LatentDiffusionTrainer(config).train(images, "site-l"),
                () -> new LatentDiffusionTrainer(config, DP).train(images, "site-l"));
        TrainedModule priv = modules[1];

        DpGuarantee g = DpGuarantee.fromProvenance(priv.manifest().provenance().hyperparameters()).orElseThrow();
        assertEquals(new DpGuarantee.Phase(0.55, 1.0, 8, 32 / 96.0, 12), g.phases().get(0),
                "the autoencoder: 3 steps per epoch, 4 epochs");
        assertEquals(List.of(new DpGuarantee.Phase(0.55, 1.0, 8, 24 / 96.0, 60)), g.laterPhases(), "then the denoiser");
        double composed = new RdpAccountant().compose(32 / 96.0, 0.55, 12).compose(24 / 96.0, 0.55, 60)
                .epsilon(1e-5).epsilon();
        assertEquals(composed, g.epsilon(), 1e-12);
        double autoencoderAlone = new RdpAccountant().compose(32 / 96.0, 0.55, 12).epsilon(1e-5).epsilon();
        assertTrue(g.epsilon() > autoencoderAlone, g.epsilon() + " must exceed the first phase's " + autoencoderAlone);

        DifferentialPrivacy wire = PrivacyWire.toWire(g);
        assertEquals(12, wire.getSteps());
        assertEquals(1, wire.getLaterPhasesCount());
        assertEquals(60, wire.getLaterPhases(0).getSteps());
        assertEquals(0.25, wire.getLaterPhases(0).getSamplingRate(), 1e-15);

        Weights w = OnnxWeights.read(priv.onnx());
        for (float v : w.get(LatentDiffusionModel.MEAN).values()) assertEquals(0f, v, "no mean fitted under DP");
        for (float v : w.get(LatentDiffusionModel.STD).values()) assertEquals(1f, v, "no std fitted under DP");
        assertFiniteSamples(priv, spec);
    }

    private static void assertFiniteSamples(TrainedModule m, ImageSpec spec) {
        float[] samples;
        try (ModuleSampler sampler = ModuleSampler.open(m.onnx(), m.manifest(), SamplingOptions.defaults())) {
            samples = sampler.sample(ModuleSampler.seedsFor(8, 3));
        }
        assertEquals(8 * spec.pixels(), samples.length);
        for (float v : samples) {
            assertTrue(Float.isFinite(v) && v >= spec.valueMin() && v <= spec.valueMax(), "sample value " + v);
        }
    }

    /**
     * Trains plain then private twice each, checks each retraining gives the same bytes, and prints the
     * second (warm) wall times and their ratio; returns both modules.
     */
    private static TrainedModule[] timed(String setting, Supplier<TrainedModule> plain, Supplier<TrainedModule> priv) {
        TrainedModule a = plain.get();
        TrainedModule b = priv.get();
        long t0 = System.nanoTime();
        assertEquals(a.id(), plain.get().id(), "plain training is deterministic");
        double plainSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        assertEquals(b.id(), priv.get().id(), "private training is deterministic");
        double privateSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: plain %.2f s, DP-SGD (microbatch 8) %.2f s, ratio %.2f%n", setting, plainSeconds,
                privateSeconds, privateSeconds / plainSeconds);
        return new TrainedModule[] {a, b};
    }
}
