package io.fedfactory.privacy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.fedfactory.data.Dataset;
import io.fedfactory.generative.FashionMnist;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.nn.TrainableParameters;
import io.fedfactory.generative.nn.Weights;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DP-SGD with real DJL gradients. */
class DpSgdTest {

    /**
     * loss = mean over the microbatch of w . x_i, so each image's gradient is x_i: with plain SGD at
     * learning rate 1 and negligible noise, the update must be minus the sum of the clipped x_i over
     * the number of slots.
     */
    @Test
    void clipsEachImagesGradientToTheNormBeforeSumming() {
        float[][] xs = {{3, 4}, {0.3f, 0.4f}, {-6, 8}};
        DpSgd dp = new DpSgd(new DpSgdConfig(1e-9, 1.0, 1, 1e-5), 3, 3, 1L);
        DeterministicTorch.call(1, 1L, () -> {
            Engine engine = Engine.getEngine("PyTorch");
            try (NDManager root = engine.newBaseManager()) {
                TrainableParameters params = new TrainableParameters(root,
                        new Weights(Map.of("w", new Weights.Tensor(new long[] {2}, new float[] {0, 0}))));
                Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1f)).build();
                try (NDManager scratch = root.newSubManager()) {
                    dp.step(engine, scratch, params, sgd, new int[] {0, 1, 2}, (m, idx) -> {
                        float[] x = new float[idx.length * 2];
                        for (int i = 0; i < idx.length; i++) System.arraycopy(xs[idx[i]], 0, x, 2 * i, 2);
                        return m.create(x, new ai.djl.ndarray.types.Shape(idx.length, 2))
                                .mul(params.arrays().get("w")).sum(new int[] {1}).mean();
                    });
                }
                // clip({3,4}) = {0.6,0.8}; {0.3,0.4} is inside the norm; clip({-6,8}) = {-0.6,0.8}. Sum {0.3, 2.0} over 3 slots.
                assertArrayEquals(new float[] {-0.1f, -2.0f / 3}, params.snapshot().get("w").values(), 1e-5f);
            }
            return null;
        });
    }

    @Test
    void calibratesTheNoiseToATargetEpsilon() {
        // The TensorFlow Privacy tutorial setting: noise 1.1 over 60 epochs of 60,000 at batch 256. Calibrating to
        // the epsilon it gives must find 1.1 again.
        long steps = 60L * 60_000 / 256;
        double q = 256 / 60_000.0;
        double target = DpGuarantee.account(new DpSgdConfig(1.1, 1.0, 1, 1e-5), q, steps).epsilon();
        DpSgdConfig c = DpSgdConfig.forEpsilon(target, 1.0, 1, 1e-5, q, steps);
        double e = DpGuarantee.account(c, q, steps).epsilon();
        assertTrue(e <= target && e > target - 1e-4, "calibrated epsilon " + e + " for " + target);
        assertEquals(1.1, c.noiseMultiplier(), 1e-4);
        // Microbatches of 8 need twice the noise for the same guarantee.
        assertEquals(2.2, DpSgdConfig.forEpsilon(target, 1.0, 8, 1e-5, q, steps).noiseMultiplier(), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> DpSgdConfig.forEpsilon(0, 1.0, 1, 1e-5, 0.01, 100));
    }

    @Test
    void poissonBatchesHaveTheSamplingRateOnAverage() {
        DpSgd dp = new DpSgd(new DpSgdConfig(1, 1, 1, 1e-5), 1000, 50, 2L);
        assertEquals(0.05, dp.samplingRate());
        long total = 0;
        for (int s = 0; s < 200; s++) total += dp.nextBatch().length;
        assertEquals(50.0, total / 200.0, 2.0, "mean Poisson batch size");
    }

    @Test
    void aPrivateDecoderRecordsTheAccountantsEpsilonAndLearns() throws Exception {
        Dataset coats = FashionMnist.testImagesOfClass(4, 500);
        DecoderTrainingConfig config = new DecoderTrainingConfig(400, 16, 3, 64, 1e-3f, 3L, 2);
        DpSgdConfig dp = new DpSgdConfig(1.1, 1.0, 8, 1e-5);
        List<Double> losses = new ArrayList<>();
        long t0 = System.nanoTime();
        TrainedModule plain = new DecoderTrainer(config).train(coats, "site-p");
        double plainSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        TrainedModule priv = new DecoderTrainer(config, dp).train(coats, "site-p", (step, loss) -> losses.add(loss));
        double privateSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("decoder on 500 images, 3 epochs: plain %.2f s, DP-SGD (microbatch 8) %.2f s, ratio %.2f%n",
                plainSeconds, privateSeconds, privateSeconds / plainSeconds);

        DpGuarantee g = DpGuarantee.fromProvenance(priv.manifest().provenance().hyperparameters()).orElseThrow();
        long steps = priv.manifest().provenance().steps();
        assertEquals(24, steps, "8 steps per epoch of 500 images at expected batch 64, 3 epochs");
        assertEquals(0.55, g.noiseMultiplier(), 1e-12, "microbatches of 8: the accountant sees half the noise");
        assertEquals(new RdpAccountant().compose(64 / 500.0, 0.55, 24).epsilon(1e-5).epsilon(), g.epsilon(), 1e-12);
        assertEquals("poisson", g.sampling());
        assertTrue(DpGuarantee.fromProvenance(plain.manifest().provenance().hyperparameters()).isEmpty());
        double first = losses.get(0);
        double last = losses.subList(losses.size() - 4, losses.size()).stream().mapToDouble(Double::doubleValue)
                .average().orElseThrow();
        assertTrue(last < first, "DP-SGD still lowers the loss: first " + first + ", last " + last);
    }

    @Test
    void theFittedPriorIsRefusedWithDp() {
        var config = DecoderTrainingConfig.defaults(1, 1L).withFittedPrior(1f);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new DecoderTrainer(config, new DpSgdConfig(1, 1, 1, 1e-5)));
        assertTrue(e.getMessage().contains("fittedPrior"), e.getMessage());
    }
}
