package io.fedfactory.generative.diffusion;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.SampleGenerator;
import io.fedfactory.determinism.SplitMix64;

import java.util.Objects;

/**
 * EDM's deterministic sampler (Karras et al. 2022, Algorithm 1, no churn): Heun's second-order
 * method on the probability-flow ODE {@code dx/dsigma = (x - D(x; sigma)) / sigma}, from
 * {@code x ~ N(0, sigmaMax^2 I)} down the rho-schedule to sigma = 0, taking an Euler step on the last
 * interval. 2 * steps - 1 denoiser evaluations per batch. The result is mapped from [-1, 1] to the
 * spec's range and clipped.
 */
public final class HeunSampler implements SampleGenerator {

    private final Denoiser denoiser;
    private final ImageSpec spec;
    private final double[] sigmas;

    public HeunSampler(Denoiser denoiser, ImageSpec spec, DiffusionSampling params) {
        this.denoiser = Objects.requireNonNull(denoiser);
        this.spec = Objects.requireNonNull(spec);
        this.sigmas = schedule(params);
    }

    /** sigma_0 .. sigma_{steps-1} from sigmaMax to sigmaMin by the rho-schedule, then sigma_steps = 0. */
    public static double[] schedule(DiffusionSampling p) {
        int n = p.steps();
        double[] t = new double[n + 1];
        double hi = StrictMath.pow(p.sigmaMax(), 1 / p.rho());
        double lo = StrictMath.pow(p.sigmaMin(), 1 / p.rho());
        for (int i = 0; i < n; i++) {
            double frac = n == 1 ? 0 : (double) i / (n - 1);
            t[i] = StrictMath.pow(hi + frac * (lo - hi), p.rho());
        }
        t[n] = 0;
        return t;
    }

    @Override
    public ImageSpec spec() {
        return spec;
    }

    @Override
    public float[] generate(long[] seeds) {
        int n = seeds.length;
        int pixels = spec.pixels();
        float[] x = new float[n * pixels];
        for (int i = 0; i < n; i++) {
            new SplitMix64(seeds[i]).fillGaussian(x, i * pixels, pixels);
        }
        for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] * sigmas[0]);

        float[] sigmaBatch = new float[n];
        float[] slope = new float[x.length];
        float[] next = new float[x.length];
        for (int i = 0; i + 1 < sigmas.length; i++) {
            double t = sigmas[i];
            double tNext = sigmas[i + 1];
            double h = tNext - t;
            java.util.Arrays.fill(sigmaBatch, (float) t);
            float[] d = denoiser.denoise(x, sigmaBatch);
            for (int j = 0; j < x.length; j++) {
                double dx = (x[j] - (double) d[j]) / t;
                slope[j] = (float) dx;
                next[j] = (float) (x[j] + h * dx);
            }
            if (tNext > 0) {
                java.util.Arrays.fill(sigmaBatch, (float) tNext);
                float[] d2 = denoiser.denoise(next, sigmaBatch);
                for (int j = 0; j < x.length; j++) {
                    double dx2 = (next[j] - (double) d2[j]) / tNext;
                    next[j] = (float) (x[j] + h * (0.5 * slope[j] + 0.5 * dx2));
                }
            }
            float[] swap = x;
            x = next;
            next = swap;
        }
        return ModelSpace.toImage(x, spec);
    }
}
