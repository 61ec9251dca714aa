package io.fedfactory.partition;

import io.fedfactory.determinism.SplitMix64;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirichletSamplerTest {

    /** Gamma(a, 1) has mean a and variance a; checked on 40,000 draws for shapes below, at and above 1. */
    @Test
    void gammaDrawsHaveTheRightMeanAndVariance() {
        for (double shape : new double[] {0.1, 0.7, 1.0, 4.5}) {
            SplitMix64 rng = new SplitMix64(11);
            int n = 40_000;
            double sum = 0, sumSq = 0;
            for (int i = 0; i < n; i++) {
                double g = Math.exp(DirichletSampler.logGamma(rng, shape));
                assertTrue(g >= 0 && Double.isFinite(g));
                sum += g;
                sumSq += g * g;
            }
            double mean = sum / n;
            double var = sumSq / n - mean * mean;
            // Standard error of the mean is sqrt(a/n): at most 0.011 here; allow four of them.
            assertEquals(shape, mean, 4 * Math.sqrt(shape / n), "mean at shape " + shape);
            assertEquals(shape, var, 0.1 * shape, "variance at shape " + shape);
        }
    }

    @Test
    void tinyAlphaStaysFiniteAndSumsToOne() {
        SplitMix64 rng = new SplitMix64(5);
        for (int t = 0; t < 100; t++) {
            double[] p = DirichletSampler.symmetric(rng, 0.001, 10);
            double s = 0;
            for (double v : p) {
                assertTrue(v >= 0 && v <= 1, "component " + v);
                s += v;
            }
            assertEquals(1, s, 1e-12);
        }
    }

    @Test
    void symmetricDirichletComponentsAverageOneOverK() {
        SplitMix64 rng = new SplitMix64(3);
        double[] mean = new double[4];
        int n = 20_000;
        for (int t = 0; t < n; t++) {
            double[] p = DirichletSampler.symmetric(rng, 0.3, 4);
            for (int i = 0; i < 4; i++) mean[i] += p[i] / n;
        }
        for (double m : mean) assertEquals(0.25, m, 0.01);
    }

    @Test
    void streamsAreFixedBySeedAndIntsAreInRange() {
        SplitMix64 a = SplitMix64.derived(7, 1, 2);
        SplitMix64 b = SplitMix64.derived(7, 1, 2);
        for (int i = 0; i < 10; i++) assertEquals(a.nextLong(), b.nextLong());
        // SplitMix64's first output for seed 0 is a published test vector.
        assertEquals(0xE220A8397B1DCDAFL, new SplitMix64(0).nextLong());
        int[] hits = new int[7];
        for (int i = 0; i < 70_000; i++) hits[a.nextInt(7)]++;
        for (int h : hits) assertEquals(10_000, h, 400);
        assertThrows(IllegalArgumentException.class, () -> DirichletSampler.logGamma(a, 0));
    }
}
