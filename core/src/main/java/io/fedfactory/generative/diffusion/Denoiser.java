package io.fedfactory.generative.diffusion;

/** A preconditioned denoiser D(x; sigma) on data in [-1, 1]. */
public interface Denoiser {

    /**
     * Denoises a batch.
     *
     * @param x     noisy images, flat [n, C, H, W]
     * @param sigma noise level of each image, n values, all > 0
     * @return the denoised images, flat [n, C, H, W]
     */
    float[] denoise(float[] x, float[] sigma);
}
