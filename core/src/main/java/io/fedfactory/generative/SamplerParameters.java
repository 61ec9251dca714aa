package io.fedfactory.generative;

/**
 * How to sample a module, as declared by the site that trained it. One record per {@link ModuleKind}.
 */
public sealed interface SamplerParameters permits DiffusionSampling, DecoderSampling, LatentDiffusionSampling {

    /** The module kind these parameters belong to. */
    ModuleKind kind();

    /** The Heun schedule, for the kinds integrated by the EDM sampler; empty for one-pass kinds. */
    default java.util.Optional<DiffusionSampling> heunSchedule() {
        return java.util.Optional.empty();
    }

    /** The same parameters with {@code steps} Heun steps; one-pass kinds are returned unchanged. */
    default SamplerParameters withHeunSteps(int steps) {
        return this;
    }
}
