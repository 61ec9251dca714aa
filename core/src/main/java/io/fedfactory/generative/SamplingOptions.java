package io.fedfactory.generative;

/**
 * How modules are sampled on this machine. None of it changes the image a seed gives (thread count
 * and batch size are checked not to), except {@code diffusionSteps}.
 *
 * @param intraOpThreads     ONNX Runtime threads per session
 * @param decoderBatchSize   samples per ONNX Runtime call for decoder modules, and per Heun integration for
 *                           latent-diffusion modules (small networks, so large batches pay)
 * @param diffusionBatchSize samples per Heun integration for diffusion modules (2 * steps - 1 calls each)
 * @param diffusionSteps     Heun steps for diffusion and latent-diffusion modules; 0 uses the manifest's
 * @param samplers           threads sampling batches of one module at once, each ONNX Runtime call with
 *                           {@code intraOpThreads}; batches keep their boundaries and are written in order
 */
public record SamplingOptions(int intraOpThreads, int decoderBatchSize, int diffusionBatchSize, int diffusionSteps,
                              int samplers) {

    /** Largest number of sampler threads. */
    public static final int MAX_SAMPLERS = 256;

    public static final int MAX_BATCH = 65_536;

    public SamplingOptions {
        if (intraOpThreads < 1 || intraOpThreads > 256) {
            throw new IllegalArgumentException("sampling intraOpThreads must be in [1, 256], got " + intraOpThreads);
        }
        if (decoderBatchSize < 1 || decoderBatchSize > MAX_BATCH) {
            throw new IllegalArgumentException("sampling decoderBatchSize must be in [1, " + MAX_BATCH + "], got "
                    + decoderBatchSize);
        }
        if (diffusionBatchSize < 1 || diffusionBatchSize > MAX_BATCH) {
            throw new IllegalArgumentException("sampling diffusionBatchSize must be in [1, " + MAX_BATCH + "], got "
                    + diffusionBatchSize);
        }
        if (diffusionSteps < 0 || diffusionSteps > DiffusionSampling.MAX_STEPS) {
            throw new IllegalArgumentException("sampling diffusionSteps must be in [0, " + DiffusionSampling.MAX_STEPS
                    + "] (0 = the manifest's), got " + diffusionSteps);
        }
        if (samplers < 1 || samplers > MAX_SAMPLERS) {
            throw new IllegalArgumentException("sampling samplers must be in [1, " + MAX_SAMPLERS + "], got " + samplers);
        }
    }

    /** One sampler thread. */
    public SamplingOptions(int intraOpThreads, int decoderBatchSize, int diffusionBatchSize, int diffusionSteps) {
        this(intraOpThreads, decoderBatchSize, diffusionBatchSize, diffusionSteps, 1);
    }

    /** One thread, one sampler; decoder batches of 256, diffusion batches of 64; the manifest's step count. */
    public static SamplingOptions defaults() {
        return new SamplingOptions(1, 256, 64, 0);
    }

    /** The batch size for modules of {@code kind}. */
    public int batchSize(ModuleKind kind) {
        return kind == ModuleKind.DIFFUSION ? diffusionBatchSize : decoderBatchSize;
    }

    /** The same options with one batch size for both kinds. */
    public SamplingOptions withBatchSize(int b) {
        return new SamplingOptions(intraOpThreads, b, b, diffusionSteps, samplers);
    }

    public SamplingOptions withDiffusionSteps(int s) {
        return new SamplingOptions(intraOpThreads, decoderBatchSize, diffusionBatchSize, s, samplers);
    }

    public SamplingOptions withThreads(int t) {
        return new SamplingOptions(t, decoderBatchSize, diffusionBatchSize, diffusionSteps, samplers);
    }

    public SamplingOptions withSamplers(int n) {
        return new SamplingOptions(intraOpThreads, decoderBatchSize, diffusionBatchSize, diffusionSteps, n);
    }
}
