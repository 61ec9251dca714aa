package io.fedfactory.generative.diffusion;

/** A preconditioned denoiser D(x; sigma): on images in [-1, 1], or on a module's standardized latents. */
public interface Denoiser {

    /**
     * Denoises a batch.
     *
     * @param x     noisy samples, flat [n, C, H, W] (or [n, latent])
     * @param sigma noise level of each image, n values, all > 0
     * @return the denoised samples, in x's shape
     */
    float[] denoise(float[] x, float[] sigma);
}
