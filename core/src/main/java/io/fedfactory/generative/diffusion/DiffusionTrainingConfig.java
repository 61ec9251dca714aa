package io.fedfactory.generative.diffusion;

import io.fedfactory.generative.DiffusionSampling;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to train a diffusion module.
 *
 * @param width        channels at full resolution (doubled below); a multiple of 4
 * @param steps        optimizer steps
 * @param batchSize    images per step
 * @param learningRate Adam learning rate
 * @param pMean        mean of ln(sigma) for training noise (EDM: -1.2; FederatedFactory: -0.8)
 * @param pStd         standard deviation of ln(sigma) for training noise (EDM and FederatedFactory: 1.2 / 1.6)
 * @param sampling     sampler parameters written to the manifest; its sigmaData also preconditions training
 * @param seed         initialization, batch order and noise
 * @param threads      PyTorch intra-op threads (trained bits depend on it)
 */
public record DiffusionTrainingConfig(int width, int steps, int batchSize, float learningRate, double pMean,
                                      double pStd, DiffusionSampling sampling, long seed, int threads) {

    public static final int MAX_WIDTH = 512;
    public static final int MAX_STEPS = 10_000_000;
    public static final int MAX_BATCH = 4096;

    public DiffusionTrainingConfig {
        Objects.requireNonNull(sampling, "sampling");
        if (width < 4 || width > MAX_WIDTH || width % 4 != 0) {
            throw new IllegalArgumentException("diffusion width must be a multiple of 4 in [4, " + MAX_WIDTH + "], got " + width);
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("diffusion steps must be in [1, " + MAX_STEPS + "], got " + steps);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("diffusion batchSize must be in [1, " + MAX_BATCH + "], got " + batchSize);
        }
        if (!(learningRate > 0) || !(learningRate <= 1)) {
            throw new IllegalArgumentException("diffusion learningRate must be in (0, 1], got " + learningRate);
        }
        if (!Double.isFinite(pMean) || Math.abs(pMean) > 10) {
            throw new IllegalArgumentException("diffusion pMean must be in [-10, 10], got " + pMean);
        }
        if (!(pStd > 0) || !(pStd <= 10)) {
            throw new IllegalArgumentException("diffusion pStd must be in (0, 10], got " + pStd);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("diffusion threads must be in [1, 256], got " + threads);
        }
    }

    /**
     * The FederatedFactory settings at a CPU-sized scale: width 16, batch 64, Adam 1e-3, training noise
     * ln(sigma) ~ N(-0.8, 1.6^2), EDM's 50-step Heun sampler, 2 threads.
     */
    public static DiffusionTrainingConfig defaults(int steps, long seed) {
        return new DiffusionTrainingConfig(16, steps, 64, 1e-3f, -0.8, 1.6, DiffusionSampling.edmDefaults(), seed, 2);
    }

    public DiffusionTrainingConfig withWidth(int w) {
        return new DiffusionTrainingConfig(w, steps, batchSize, learningRate, pMean, pStd, sampling, seed, threads);
    }

    public DiffusionTrainingConfig withBatchSize(int b) {
        return new DiffusionTrainingConfig(width, steps, b, learningRate, pMean, pStd, sampling, seed, threads);
    }

    public DiffusionTrainingConfig withSteps(int s) {
        return new DiffusionTrainingConfig(width, s, batchSize, learningRate, pMean, pStd, sampling, seed, threads);
    }

    /** The settings as provenance entries. */
    public Map<String, String> asProvenance() {
        Map<String, String> m = new TreeMap<>();
        m.put("architecture", "unet2-groupnorm-edm");
        m.put("width", Integer.toString(width));
        m.put("steps", Integer.toString(steps));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("learningRate", Float.toString(learningRate));
        m.put("optimizer", "adam");
        m.put("pMean", Double.toString(pMean));
        m.put("pStd", Double.toString(pStd));
        m.put("sigmaData", Double.toString(sampling.sigmaData()));
        return m;
    }
}
