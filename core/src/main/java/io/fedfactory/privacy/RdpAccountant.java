package io.fedfactory.privacy;

import org.apache.commons.math3.special.Erf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (DP-SGD), in the manner of
 * Opacus and TensorFlow Privacy: fed the sampling rate, the noise multiplier and the number of steps,
 * it answers epsilon at a given delta. Separate from training; a trainer composes its steps here.
 *
 * <p>RDP of one step at order alpha follows Mironov, Talwar and Zhang (2019, "Rényi Differential
 * Privacy of the Sampled Gaussian Mechanism"): the exact binomial sum for integer alpha and the
 * two-series erfc expansion for fractional alpha, as TensorFlow Privacy's and dp_accounting's
 * {@code _compute_log_a_int} / {@code _compute_log_a_frac}. Steps compose additively. The guarantee
 * holds for add/remove-one adjacency under Poisson sampling with rate q; a trainer that samples
 * fixed-size shuffled batches is not covered by it.
 *
 * <p>Two conversions to (epsilon, delta): {@link Conversion#STANDARD} (Mironov 2017, Prop. 3), which
 * produced TensorFlow Privacy's published tutorial table, and {@link Conversion#IMPROVED} (Balle et
 * al. 2020, Thm. 21; the default of Opacus and dp_accounting), which is never larger.
 */
public final class RdpAccountant {

    /** How RDP at the orders is turned into epsilon at delta. */
    public enum Conversion {
        /** eps = min over alpha of RDP(alpha) + log(1/delta) / (alpha - 1). */
        STANDARD("rdp-standard"),
        /** eps = min over alpha of RDP(alpha) + log((alpha - 1) / alpha) - (log delta + log alpha) / (alpha - 1). */
        IMPROVED("rdp-improved");

        private final String wireName;

        Conversion(String wireName) {
            this.wireName = wireName;
        }

        /** The name recorded in provenance, for example {@code rdp-improved}. */
        public String wireName() {
            return wireName;
        }
    }

    /** Epsilon at delta, and the RDP order that gave it. */
    public record Guarantee(double epsilon, double delta, double order, Conversion conversion) {
    }

    /**
     * The orders TensorFlow Privacy's {@code compute_dp_sgd_privacy} uses: 1.25 to 4.5, 5 to 63,
     * 128, 256, 512.
     */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    private final double[] orders;
    private final double[] rdp;
    private long steps;

    /** An accountant over {@link #DEFAULT_ORDERS} with nothing spent. */
    public RdpAccountant() {
        this(DEFAULT_ORDERS);
    }

    /** An accountant over the given orders (each > 1), nothing spent. */
    public RdpAccountant(double[] orders) {
        Objects.requireNonNull(orders, "orders");
        if (orders.length == 0) throw new IllegalArgumentException("orders must not be empty");
        for (double a : orders) {
            if (!(a > 1) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("every RDP order must be finite and > 1, got " + a);
            }
        }
        this.orders = orders.clone();
        this.rdp = new double[orders.length];
    }

    /**
     * Adds {@code steps} steps of the Gaussian mechanism with noise multiplier {@code noiseMultiplier}
     * (noise standard deviation over the sensitivity) on a Poisson sample of rate {@code samplingRate}.
     */
    public RdpAccountant compose(double samplingRate, double noiseMultiplier, long steps) {
        if (!(samplingRate >= 0 && samplingRate <= 1)) {
            throw new IllegalArgumentException("samplingRate must be in [0, 1], got " + samplingRate);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noiseMultiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        for (int i = 0; i < orders.length; i++) {
            rdp[i] += steps == 0 ? 0 : steps * stepRdp(samplingRate, noiseMultiplier, orders[i]);
        }
        this.steps += steps;
        return this;
    }

    /** Steps composed so far. */
    public long steps() {
        return steps;
    }

    /** Total RDP at each order, in the order of {@link #orders()}. */
    public double[] rdp() {
        return rdp.clone();
    }

    public double[] orders() {
        return orders.clone();
    }

    /** Epsilon at {@code delta} with the {@link Conversion#IMPROVED} conversion. */
    public Guarantee epsilon(double delta) {
        return epsilon(delta, Conversion.IMPROVED);
    }

    /** The smallest epsilon over the orders at which the spent budget is (epsilon, delta)-DP. */
    public Guarantee epsilon(double delta, Conversion conversion) {
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = orders[0];
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double r = rdp[i];
            double eps;
            if (conversion == Conversion.STANDARD) {
                eps = r - Math.log(delta) / (a - 1);
            } else if (delta * delta + Math.expm1(-r) >= 0) {
                // Pinsker-style bound via the KL divergence: delta >= sqrt(1 - exp(-RDP)) means epsilon 0.
                eps = 0;
            } else if (a > 1.01) {
                // Not numerically stable as alpha approaches 1, where it is of no use anyway.
                eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
            } else {
                eps = Double.POSITIVE_INFINITY;
            }
            if (eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new Guarantee(Math.max(0, best), delta, bestOrder, conversion);
    }

    /** RDP at order {@code alpha} of one step of the Poisson-subsampled Gaussian mechanism. */
    public static double stepRdp(double q, double sigma, double alpha) {
        if (sigma == 0) return Double.POSITIVE_INFINITY;
        if (q == 0) return 0;
        if (q == 1) return alpha / (2 * sigma * sigma);
        double logA = alpha == Math.rint(alpha) ? logAInteger(q, sigma, (long) alpha) : logAFractional(q, sigma, alpha);
        return logA / (alpha - 1);
    }

    private static double logAInteger(double q, double sigma, long alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        double logBinom = 0;
        for (long i = 0; i <= alpha; i++) {
            if (i > 0) logBinom += Math.log((double) (alpha - i + 1) / i);
            double s = logBinom + i * Math.log(q) + (alpha - i) * Math.log1p(-q) + (i * i - i) / (2 * sigma * sigma);
            logA = logAdd(logA, s);
        }
        return logA;
    }

    private static double logAFractional(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double coef = 1;
        for (int i = 0; ; i++) {
            if (i > 0) coef *= (alpha - i + 1) / i;
            double logCoef = Math.log(Math.abs(coef));
            double j = alpha - i;
            double logT0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
            double logT1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
            double logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.sqrt(2) * sigma));
            double logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.sqrt(2) * sigma));
            double logS0 = logT0 + (i * (double) i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (coef > 0) {
                logA0 = logAdd(logA0, logS0);
                logA1 = logAdd(logA1, logS1);
            } else {
                logA0 = logSub(logA0, logS0);
                logA1 = logSub(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < -30) break;
        }
        return logAdd(logA0, logA1);
    }

    /** log(erfc(x)), with the asymptotic series where erfc underflows. */
    static double logErfc(double x) {
        double r = Erf.erfc(x);
        if (r > 0) return Math.log(r);
        double x2 = x * x;
        return -Math.log(Math.PI) / 2 - Math.log(x) - x2 - 0.5 / x2 + 0.625 / (x2 * x2) - 37.0 / 24.0 / (x2 * x2 * x2)
                + 353.0 / 64.0 / (x2 * x2 * x2 * x2);
    }

    private static double logAdd(double a, double b) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        if (hi == Double.NEGATIVE_INFINITY) return hi;
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /** log(exp(a) - exp(b)), a >= b. */
    private static double logSub(double a, double b) {
        if (b > a) throw new ArithmeticException("logSub: the result would be negative");
        if (b == Double.NEGATIVE_INFINITY) return a;
        if (a == b) return Double.NEGATIVE_INFINITY;
        return a + Math.log(-Math.expm1(b - a));
    }

    private static double[] defaultOrders() {
        double[] low = {1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 4.0, 4.5};
        double[] out = Arrays.copyOf(low, low.length + 59 + 3);
        for (int a = 5; a < 64; a++) out[low.length + a - 5] = a;
        out[out.length - 3] = 128;
        out[out.length - 2] = 256;
        out[out.length - 1] = 512;
        return out;
    }
}
