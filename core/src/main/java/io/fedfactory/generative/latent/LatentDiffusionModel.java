package io.fedfactory.generative.latent;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.decoder.Vae;
import io.fedfactory.generative.nn.TensorOps;

/**
 * A latent-diffusion module's computation, written once for DJL and ONNX: a {@link LatentDenoiser} over
 * standardized latents, and the site's own {@link Vae} decoder behind an affine map that undoes the
 * standardization ({@code z = mean + std x}; weights {@value #MEAN} and {@value #STD}, fitted to the
 * posterior means of the site's images, not trained).
 */
public final class LatentDiffusionModel {

    public static final String MEAN = "latent.mean";
    public static final String STD = "latent.std";

    private final Vae vae;
    private final LatentDenoiser denoiser;

    public LatentDiffusionModel(Vae vae, LatentDenoiser denoiser) {
        if (vae.hasFittedPrior()) {
            throw new IllegalArgumentException("a latent-diffusion module's autoencoder must not carry a fitted prior");
        }
        if (vae.latentDim() != denoiser.latentDim()) {
            throw new IllegalArgumentException("autoencoder latentDim " + vae.latentDim() + " differs from the denoiser's "
                    + denoiser.latentDim());
        }
        this.vae = vae;
        this.denoiser = denoiser;
    }

    public Vae vae() {
        return vae;
    }

    public LatentDenoiser denoiser() {
        return denoiser;
    }

    public int latentDim() {
        return vae.latentDim();
    }

    public ImageSpec spec() {
        return vae.spec();
    }

    /** D(x; sigma) for standardized latents x [N, latent] and sigma [N]. */
    public <T> T denoise(TensorOps<T> ops, T x, T sigma) {
        return denoiser.denoise(ops, x, sigma);
    }

    /** Images [N, C, H, W] in the spec's range for standardized latents x [N, latent]. */
    public <T> T decode(TensorOps<T> ops, T x) {
        return vae.decode(ops, ops.add(ops.mul(x, ops.parameter(STD)), ops.parameter(MEAN)));
    }
}
