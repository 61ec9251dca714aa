package io.fedfactory.generative;

import java.util.Objects;
import java.util.Optional;

/**
 * Sampling parameters of a latent-diffusion module: the length of its latent and the Heun schedule
 * the latent is integrated along. The latent's data standard deviation is the schedule's
 * {@code sigmaData}; the exporter standardizes its latents so that it is 1.
 */
public record LatentDiffusionSampling(int latentDim, DiffusionSampling diffusion) implements SamplerParameters {

    public LatentDiffusionSampling {
        if (latentDim < 1 || latentDim > DecoderSampling.MAX_LATENT_DIM) {
            throw new IllegalArgumentException("sampler.latentDim must be in [1, " + DecoderSampling.MAX_LATENT_DIM
                    + "], got " + latentDim);
        }
        Objects.requireNonNull(diffusion, "sampler.diffusion");
    }

    /** 32 Heun steps from sigma 80 down to 0.002, rho 7, on standardized latents (sigma_data 1). */
    public static LatentDiffusionSampling defaults(int latentDim) {
        return new LatentDiffusionSampling(latentDim, new DiffusionSampling(32, 0.002, 80.0, 7.0, 1.0));
    }

    @Override
    public ModuleKind kind() {
        return ModuleKind.LATENT_DIFFUSION;
    }

    @Override
    public Optional<DiffusionSampling> heunSchedule() {
        return Optional.of(diffusion);
    }

    @Override
    public LatentDiffusionSampling withHeunSteps(int steps) {
        return new LatentDiffusionSampling(latentDim, diffusion.withSteps(steps));
    }
}
