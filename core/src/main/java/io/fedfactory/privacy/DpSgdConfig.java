package io.fedfactory.privacy;

/**
 * Settings of DP-SGD for a module trainer.
 *
 * @param noiseMultiplier standard deviation of the Gaussian noise over the clipping norm, > 0
 * @param clipNorm        L2 bound of each microbatch's gradient, > 0
 * @param microbatchSize  1: each image's gradient is clipped on its own; m > 1: images are assigned
 *                        to fixed microbatch slots and each slot's mean gradient is clipped, which is
 *                        cheaper but lets one image move a clipped gradient by up to twice the norm, so
 *                        the accountant is given half the noise multiplier
 * @param delta           the delta epsilon is reported at, in (0, 1)
 */
public record DpSgdConfig(double noiseMultiplier, double clipNorm, int microbatchSize, double delta) {

    public DpSgdConfig {
        if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("dp noiseMultiplier must be finite and > 0, got " + noiseMultiplier);
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("dp clipNorm must be finite and > 0, got " + clipNorm);
        }
        if (microbatchSize < 1 || microbatchSize > 4096) {
            throw new IllegalArgumentException("dp microbatchSize must be in [1, 4096], got " + microbatchSize);
        }
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("dp delta must be in (0, 1), got " + delta);
    }

    /** The noise multiplier the accountant sees: halved for microbatches of more than one image. */
    public double accountedNoiseMultiplier() {
        return microbatchSize == 1 ? noiseMultiplier : noiseMultiplier / 2;
    }

    /**
     * The settings whose guarantee is {@code epsilon} at {@code delta} after {@code steps} steps at
     * {@code samplingRate}: the smallest noise multiplier the accountant gives that epsilon or less for
     * (bisection to a relative 1e-6).
     */
    public static DpSgdConfig forEpsilon(double epsilon, double clipNorm, int microbatchSize, double delta,
                                         double samplingRate, long steps) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("dp epsilon must be finite and > 0, got " + epsilon);
        }
        double lo = 1e-2;
        double hi = 1e4;
        if (DpGuarantee.account(new DpSgdConfig(hi, clipNorm, microbatchSize, delta), samplingRate, steps).epsilon() > epsilon) {
            throw new IllegalArgumentException("dp epsilon " + epsilon + " is out of reach at delta " + delta + " in "
                    + steps + " steps at sampling rate " + samplingRate + " (noise multiplier " + hi + " gives more)");
        }
        while (hi / lo > 1 + 1e-6) {
            double mid = Math.sqrt(lo * hi);
            double e = DpGuarantee.account(new DpSgdConfig(mid, clipNorm, microbatchSize, delta), samplingRate, steps)
                    .epsilon();
            if (e > epsilon) lo = mid;
            else hi = mid;
        }
        return new DpSgdConfig(hi, clipNorm, microbatchSize, delta);
    }
}
