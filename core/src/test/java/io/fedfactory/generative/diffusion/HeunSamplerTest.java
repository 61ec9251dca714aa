package io.fedfactory.generative.diffusion;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.determinism.SplitMix64;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeunSamplerTest {

    @Test
    void scheduleRunsFromSigmaMaxToSigmaMinThenZero() {
        DiffusionSampling p = DiffusionSampling.edmDefaults();
        double[] t = HeunSampler.schedule(p);
        assertEquals(51, t.length);
        assertEquals(80.0, t[0], 1e-9);
        assertEquals(0.002, t[49], 1e-12);
        assertEquals(0.0, t[50]);
        for (int i = 1; i < t.length; i++) assertTrue(t[i] < t[i - 1], "schedule must decrease at " + i);
        // EDM's rho-schedule: the midpoint of sigma^(1/rho) is reached at i = 24.5.
        double mid = Math.pow((Math.pow(80, 1 / 7.0) + Math.pow(0.002, 1 / 7.0)) / 2, 7);
        assertTrue(t[24] > mid && mid > t[25]);
    }

    /**
     * For data ~ N(mu, s^2) per pixel the ideal denoiser is D(x; sigma) = mu + s^2/(s^2+sigma^2)(x - mu), and
     * the probability-flow ODE maps x at sigmaMax to exactly mu + (x - mu) s / sqrt(s^2 + sigmaMax^2) at
     * sigma 0. Heun's method must approach that at second order (error / 4 when the steps double),
     * evaluating D 2 * steps - 1 times.
     */
    @Test
    void integratesTheProbabilityFlowOdeOfAGaussianAtSecondOrder() {
        double e50 = gaussianOdeError(50);
        double e100 = gaussianOdeError(100);
        double e200 = gaussianOdeError(200);
        assertTrue(e50 < 0.01, "50 steps: error " + e50);
        assertTrue(e200 < 5e-4, "200 steps: error " + e200);
        double order = Math.log(e100 / e200) / Math.log(2);
        assertTrue(order > 1.7 && order < 2.5, "convergence order " + order + " (errors " + e100 + ", " + e200 + ")");
    }

    private static double gaussianOdeError(int steps) {
        ImageSpec spec = new ImageSpec(1, 4, 4, -10f, 10f);
        double mu = 0.1;
        double s = 0.2; // keeps mu + 4s inside the clipped range [-1, 1]
        int[] calls = {0};
        Denoiser ideal = (x, sigma) -> {
            calls[0]++;
            float[] out = new float[x.length];
            int per = x.length / sigma.length;
            for (int j = 0; j < x.length; j++) {
                double sg = sigma[j / per];
                out[j] = (float) (mu + s * s / (s * s + sg * sg) * (x[j] - mu));
            }
            return out;
        };
        DiffusionSampling p = DiffusionSampling.edmDefaults().withSteps(steps);
        long[] seeds = ModuleSampler.seedsFor(3, 1);
        // The sampler maps [-1, 1] to the spec's range [-10, 10], so model value = image / 10.
        float[] images = new HeunSampler(ideal, spec, p).generate(seeds);
        assertEquals(2 * steps - 1, calls[0]);
        double worst = 0;
        for (int i = 0; i < seeds.length; i++) {
            float[] start = new float[16];
            new SplitMix64(seeds[i]).fillGaussian(start, 0, 16);
            for (int k = 0; k < 16; k++) {
                double xT = 80.0 * start[k];
                double exact = mu + (xT - mu) * s / Math.sqrt(s * s + 80.0 * 80.0);
                worst = Math.max(worst, Math.abs(images[i * 16 + k] / 10.0 - exact));
            }
        }
        return worst;
    }
}
