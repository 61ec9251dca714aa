package io.fedfactory.generative.decoder;

/** Maps standard-normal noise to images in one pass (through the module's fitted prior, if it has one). */
public interface Decoder {

    /**
     * @param z flat [n, latent] standard-normal noise
     * @param n number of latents
     * @return flat [n, C, H, W] images
     */
    float[] decode(float[] z, int n);
}
