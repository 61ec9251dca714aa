package io.fedfactory.generative.decoder;

/** Maps latents to images in one pass. */
public interface Decoder {

    /**
     * @param z flat [n, latent] latents
     * @param n number of latents
     * @return flat [n, C, H, W] images
     */
    float[] decode(float[] z, int n);
}
