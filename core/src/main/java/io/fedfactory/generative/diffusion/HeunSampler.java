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
        float[] x = startingNoise(seeds, spec.pixels(), sigmas[0]);
        return ModelSpace.toImage(integrate(denoiser, x, seeds.length, sigmas, sigmas.length - 1), spec);
    }

    /**
     * Per-sample standard-normal vectors of length {@code dim}, each from its own seed, times {@code sigma}:
     * where the probability-flow ODE starts.
     */
    public static float[] startingNoise(long[] seeds, int dim, double sigma) {
        float[] x = new float[Math.multiplyExact(seeds.length, dim)];
        for (int i = 0; i < seeds.length; i++) {
            new SplitMix64(seeds[i]).fillGaussian(x, i * dim, dim);
        }
        for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] * sigma);
        return x;
    }

    /**
     * Integrates the first {@code intervals} intervals of {@code sigmas} from {@code x} (n samples, at noise
     * level sigmas[0]): a Heun step on each interval ending above 0, an Euler step on one ending at 0.
     * Element j of the result depends only on x's sample it belongs to.
     */
    public static float[] integrate(Denoiser denoiser, float[] x, int n, double[] sigmas, int intervals) {
        if (intervals < 0 || intervals >= sigmas.length) {
            throw new IllegalArgumentException("intervals must be in [0, " + (sigmas.length - 1) + "], got " + intervals);
        }
        x = x.clone();
        float[] sigmaBatch = new float[n];
        float[] slope = new float[x.length];
        float[] next = new float[x.length];
        for (int i = 0; i < intervals; i++) {
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
        return x;
    }
}
