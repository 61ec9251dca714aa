package io.fedfactory.generative;

/** Sampling parameters of a decoder module: the size of its standard-normal latent. */
public record DecoderSampling(int latentDim) implements SamplerParameters {

    /** Largest latent accepted. */
    public static final int MAX_LATENT_DIM = 4096;

    public DecoderSampling {
        if (latentDim < 1 || latentDim > MAX_LATENT_DIM) {
            throw new IllegalArgumentException("sampler.latentDim must be in [1, " + MAX_LATENT_DIM + "], got " + latentDim);
        }
    }

    @Override
    public ModuleKind kind() {
        return ModuleKind.DECODER;
    }
}
