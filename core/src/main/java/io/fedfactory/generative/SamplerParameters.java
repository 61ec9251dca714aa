package io.fedfactory.generative;

/**
 * How to sample a module, as declared by the site that trained it. One record per {@link ModuleKind}.
 */
public sealed interface SamplerParameters permits DiffusionSampling, DecoderSampling {

    /** The module kind these parameters belong to. */
    ModuleKind kind();
}
