package io.fedfactory.partition;

import io.fedfactory.determinism.SplitMix64;
/**
 * Dirichlet draws built from Gamma draws (Marsaglia and Tsang, 2000). Gammas are kept as logarithms:
 * with the small concentrations label-skew experiments use (alpha 0.01 to 0.1), a Gamma(alpha) draw
 * is often below the smallest double, and normalising in linear space would divide zero by zero.
 */
final class DirichletSampler {

    private DirichletSampler() {}

    /** log of a Gamma(shape, 1) draw. */
    static double logGamma(SplitMix64 rng, double shape) {
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("gamma shape must be positive and finite, got " + shape);
        }
        if (shape < 1) {
            // Gamma(a) = Gamma(a + 1) * U^(1/a), taken in logs.
            return logGamma(rng, shape + 1) + StrictMath.log(rng.nextOpenDouble()) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / StrictMath.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double logU = StrictMath.log(rng.nextOpenDouble());
            if (logU < 0.5 * x * x + d - d * v + d * StrictMath.log(v)) {
                return StrictMath.log(d) + StrictMath.log(v);
            }
        }
    }

    /** A draw from the symmetric Dirichlet(alpha, ..., alpha) over {@code k} components. */
    static double[] symmetric(SplitMix64 rng, double alpha, int k) {
        double[] logs = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            logs[i] = logGamma(rng, alpha);
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        double[] p = new double[k];
        for (int i = 0; i < k; i++) {
            p[i] = StrictMath.exp(logs[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < k; i++) p[i] /= sum;
        return p;
    }
}
