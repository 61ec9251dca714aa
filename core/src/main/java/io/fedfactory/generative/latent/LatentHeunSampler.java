package io.fedfactory.generative.latent;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.LatentDiffusionSampling;
import io.fedfactory.generative.SampleGenerator;
import io.fedfactory.generative.diffusion.HeunSampler;
import java.util.Arrays;
import java.util.Objects;

/**
 * Samples a latent-diffusion module: EDM's deterministic Heun sampler on the latent, from each sample's
 * seed, then one decode. The last interval of the schedule ends at sigma 0, where the Euler step gives
 * exactly D(x; sigma_last), so that interval is replaced by a call that returns the decoded D(x; sigma_last):
 * 2 * steps - 1 network evaluations per batch, as for pixel-space diffusion. Images are clipped into the
 * spec's range (NaN stays NaN so checks can see it).
 */
public final class LatentHeunSampler implements SampleGenerator {

    private final LatentModel model;
    private final ImageSpec spec;
    private final int latentDim;
    private final double[] sigmas;

    public LatentHeunSampler(LatentModel model, ImageSpec spec, LatentDiffusionSampling params) {
        this.model = Objects.requireNonNull(model);
        this.spec = Objects.requireNonNull(spec);
        this.latentDim = params.latentDim();
        this.sigmas = HeunSampler.schedule(params.diffusion());
    }

    @Override
    public ImageSpec spec() {
        return spec;
    }

    @Override
    public float[] generate(long[] seeds) {
        int n = seeds.length;
        float[] x = HeunSampler.startingNoise(seeds, latentDim, sigmas[0]);
        int last = sigmas.length - 2;
        x = HeunSampler.integrate(model, x, n, sigmas, last);
        float[] sigma = new float[n];
        Arrays.fill(sigma, (float) sigmas[last]);
        float[] images = model.decodeDenoised(x, sigma);
        for (int i = 0; i < images.length; i++) {
            images[i] = Math.min(spec.valueMax(), Math.max(spec.valueMin(), images[i]));
        }
        return images;
    }
}
