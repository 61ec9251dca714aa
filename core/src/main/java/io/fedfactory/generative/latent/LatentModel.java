package io.fedfactory.generative.latent;

import io.fedfactory.generative.diffusion.Denoiser;

/** A latent-diffusion module as the sampler calls it: its denoiser, and its decoder of denoised latents. */
public interface LatentModel extends Denoiser {

    /**
     * Images for n latents at noise level sigma: the decoder applied to D(x; sigma).
     *
     * @return flat [n, C, H, W] in the spec's range (unclipped)
     */
    float[] decodeDenoised(float[] x, float[] sigma);
}
