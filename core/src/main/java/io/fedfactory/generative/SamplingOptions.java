package io.fedfactory.generative;

/**
 * How a module is sampled on this machine; none of it changes which image a seed gives, except
 * {@code diffusionSteps}.
 *
 * @param intraOpThreads ONNX Runtime threads per session
 * @param batchSize      samples per ONNX Runtime call
 * @param diffusionSteps Heun steps for diffusion modules; 0 uses the manifest's
 */
public record SamplingOptions(int intraOpThreads, int batchSize, int diffusionSteps) {

    public static final int MAX_BATCH = 65_536;

    public SamplingOptions {
        if (intraOpThreads < 1 || intraOpThreads > 256) {
            throw new IllegalArgumentException("sampling intraOpThreads must be in [1, 256], got " + intraOpThreads);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("sampling batchSize must be in [1, " + MAX_BATCH + "], got " + batchSize);
        }
        if (diffusionSteps < 0 || diffusionSteps > DiffusionSampling.MAX_STEPS) {
            throw new IllegalArgumentException("sampling diffusionSteps must be in [0, " + DiffusionSampling.MAX_STEPS
                    + "] (0 = the manifest's), got " + diffusionSteps);
        }
    }

    /** One thread, batches of 64, the manifest's step count. */
    public static SamplingOptions defaults() {
        return new SamplingOptions(1, 64, 0);
    }

    public SamplingOptions withBatchSize(int b) {
        return new SamplingOptions(intraOpThreads, b, diffusionSteps);
    }

    public SamplingOptions withDiffusionSteps(int s) {
        return new SamplingOptions(intraOpThreads, batchSize, s);
    }

    public SamplingOptions withThreads(int t) {
        return new SamplingOptions(t, batchSize, diffusionSteps);
    }
}
