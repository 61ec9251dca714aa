package io.fedfactory.generative.decoder;

import io.fedfactory.generative.nn.TensorOps;
import io.fedfactory.generative.nn.Weights;
import org.apache.commons.math3.distribution.NormalDistribution;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A mixture of full-covariance Gaussians over the latent space, fitted to the posterior means of a
 * class's images by expectation maximization. A class with several styles (long and short sleeves,
 * bags with and without handles) gets one component per style instead of one Gaussian that also
 * covers the empty space between them.
 *
 * <p>The fit: the initial estimate of Apache Commons Math's
 * {@code MultivariateNormalMixtureExpectationMaximization} (the latents sorted by their mean value,
 * split into equal bins, each bin's mean and covariance, equal weights; deterministic), then EM on
 * plain arrays in a fixed order, every covariance with the same ridge as {@link FittedPrior}, until the
 * mean log-likelihood gains less than {@value #CONVERGENCE} or after {@value #MAX_ITERATIONS}
 * iterations. Commons Math's own EM was not used: it took about 2 s per iteration on 6,000 latents of
 * 16 dimensions and 8 components here (it builds matrices per point), minutes per module, and it fails
 * instead of stopping at its iteration limit.
 *
 * <p>The exported sampler reads latent + 1 standard-normal values per sample: the first {@code latent}
 * are e, the last one u picks the component, deterministically: component k when u lies between the
 * standard-normal quantiles of the cumulative weights (thresholds t_0 &lt; ... &lt; t_{K-2}), so
 * P(k) = w_k. Then z = mean_k + scale_k e, with scale_k the Cholesky factor of the component's
 * covariance times a temperature. The graph computes every component's z with one dense layer and
 * selects one with a 0/1 mask built from comparisons of u with the thresholds, so the same noise gives
 * the same component in ONNX Runtime and in DJL.
 */
public final class MixturePrior {

    public static final String MEAN = "prior.mixture.mean";
    public static final String SCALE = "prior.mixture.scale";
    public static final String THRESHOLDS = "prior.mixture.thresholds";

    /** Most components a module may have. */
    public static final int MAX_COMPONENTS = 64;
    /** Images per component and latent dimension the fit needs: fewer images give fewer components. */
    public static final int IMAGES_PER_COMPONENT_AND_DIM = 10;
    static final int MAX_ITERATIONS = 100;
    static final double CONVERGENCE = 1e-4;

    private final int dim;
    private final float[] means;
    private final float[] scales;
    private final float[] thresholds;
    private final double[] weights;

    private MixturePrior(int dim, float[] means, float[] scales, float[] thresholds, double[] weights) {
        this.dim = dim;
        this.means = means;
        this.scales = scales;
        this.thresholds = thresholds;
        this.weights = weights;
    }

    /**
     * The components a module fits for {@code requested} components over {@code count} latents of size
     * {@code dim}: at most {@code count / (10 dim)} (each component needs that many images to estimate
     * its covariance), at least 1 (then the module has one fitted Gaussian, {@link FittedPrior}).
     */
    public static int components(int requested, int count, int dim) {
        return Math.max(1, Math.min(requested, count / (IMAGES_PER_COMPONENT_AND_DIM * dim)));
    }

    /**
     * Fits {@code components} (2 to {@value #MAX_COMPONENTS}) Gaussians to {@code count} latents (flat
     * [count, dim]); the same latents give the same bits.
     */
    public static MixturePrior fit(float[] latents, int count, int dim, int components, float temperature) {
        if (components < 2 || components > MAX_COMPONENTS) {
            throw new IllegalArgumentException("a mixture prior needs 2 to " + MAX_COMPONENTS + " components, got "
                    + components);
        }
        if (count < 2 * components) {
            throw new IllegalArgumentException("fitting " + components + " components needs at least " + 2 * components
                    + " images, got " + count);
        }
        double[] x = new double[count * dim];
        for (int i = 0; i < x.length; i++) x[i] = latents[i];
        double ridge = FittedPrior.RELATIVE_RIDGE * Math.max(meanVariance(x, count, dim), 1e-12);
        int k = components;
        double[] weight = new double[k];
        double[] mu = new double[k * dim];
        double[] cov = new double[k * dim * dim];
        initialEstimate(x, count, dim, k, ridge, weight, mu, cov);
        double[] resp = new double[count * k];
        double previous = Double.NEGATIVE_INFINITY;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double logLikelihood = expectation(x, count, dim, k, weight, mu, cov, resp) / count;
            maximization(x, count, dim, k, ridge, resp, weight, mu, cov);
            if (logLikelihood - previous < CONVERGENCE) break;
            previous = logLikelihood;
        }
        float[] means = new float[k * dim];
        float[] scales = new float[k * dim * dim];
        for (int c = 0; c < k; c++) {
            for (int a = 0; a < dim; a++) means[c * dim + a] = (float) mu[c * dim + a];
            double[] chol = FittedPrior.cholesky(Arrays.copyOfRange(cov, c * dim * dim, (c + 1) * dim * dim), dim);
            for (int i = 0; i < dim * dim; i++) scales[c * dim * dim + i] = (float) (chol[i] * temperature);
        }
        NormalDistribution standard = new NormalDistribution(null, 0, 1);
        float[] thresholds = new float[k - 1];
        double cumulative = 0;
        for (int c = 0; c < k - 1; c++) {
            cumulative += weight[c];
            thresholds[c] = (float) standard.inverseCumulativeProbability(Math.min(cumulative, 1.0));
        }
        return new MixturePrior(dim, means, scales, thresholds, weight);
    }

    private static double meanVariance(double[] x, int n, int dim) {
        double total = 0;
        for (int j = 0; j < dim; j++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += x[i * dim + j];
            m /= n;
            double v = 0;
            for (int i = 0; i < n; i++) v += (x[i * dim + j] - m) * (x[i * dim + j] - m);
            total += v / (n - 1);
        }
        return total / dim;
    }

    /** Commons Math's initial estimate: sorted by row mean (ties by index), k equal bins, equal weights. */
    private static void initialEstimate(double[] x, int n, int dim, int k, double ridge, double[] weight, double[] mu,
                                        double[] cov) {
        double[] rowMean = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) s += x[i * dim + j];
            rowMean[i] = s / dim;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> rowMean[i]).thenComparingInt(i -> i));
        double[] resp = new double[n * k];
        for (int c = 0; c < k; c++) {
            int from = c * n / k;
            int to = (c + 1) * n / k;
            for (int r = from; r < to; r++) resp[order[r] * k + c] = 1;
        }
        maximization(x, n, dim, k, ridge, resp, weight, mu, cov);
        Arrays.fill(weight, 1.0 / k);
    }

    /** Fills the responsibilities [n, k]; returns the total log-likelihood. */
    private static double expectation(double[] x, int n, int dim, int k, double[] weight, double[] mu, double[] cov,
                                      double[] resp) {
        double[] chol = new double[k * dim * dim];
        double[] logNorm = new double[k];
        for (int c = 0; c < k; c++) {
            double[] l = FittedPrior.cholesky(Arrays.copyOfRange(cov, c * dim * dim, (c + 1) * dim * dim), dim);
            System.arraycopy(l, 0, chol, c * dim * dim, dim * dim);
            double logDet = 0;
            for (int a = 0; a < dim; a++) logDet += 2 * Math.log(l[a * dim + a]);
            logNorm[c] = Math.log(weight[c]) - 0.5 * (dim * Math.log(2 * Math.PI) + logDet);
        }
        double total = 0;
        double[] y = new double[dim];
        double[] logp = new double[k];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                // Solve L y = x - mu: the Mahalanobis distance is |y|^2.
                double m2 = 0;
                int base = c * dim * dim;
                for (int a = 0; a < dim; a++) {
                    double s = x[i * dim + a] - mu[c * dim + a];
                    for (int b = 0; b < a; b++) s -= chol[base + a * dim + b] * y[b];
                    y[a] = s / chol[base + a * dim + a];
                    m2 += y[a] * y[a];
                }
                logp[c] = logNorm[c] - 0.5 * m2;
                if (logp[c] > max) max = logp[c];
            }
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(logp[c] - max);
            double logSum = max + Math.log(sum);
            total += logSum;
            for (int c = 0; c < k; c++) resp[i * k + c] = Math.exp(logp[c] - logSum);
        }
        return total;
    }

    /** Weights, means and covariances (plus the ridge) from the responsibilities; an empty component keeps its own. */
    private static void maximization(double[] x, int n, int dim, int k, double ridge, double[] resp, double[] weight,
                                     double[] mu, double[] cov) {
        for (int c = 0; c < k; c++) {
            double nc = 0;
            double[] m = new double[dim];
            for (int i = 0; i < n; i++) {
                double r = resp[i * k + c];
                nc += r;
                for (int a = 0; a < dim; a++) m[a] += r * x[i * dim + a];
            }
            weight[c] = nc / n;
            if (nc < 1e-9) continue;
            for (int a = 0; a < dim; a++) m[a] /= nc;
            double[] s = new double[dim * dim];
            double[] d = new double[dim];
            for (int i = 0; i < n; i++) {
                double r = resp[i * k + c];
                for (int a = 0; a < dim; a++) d[a] = x[i * dim + a] - m[a];
                for (int a = 0; a < dim; a++) {
                    double ra = r * d[a];
                    for (int b = 0; b <= a; b++) s[a * dim + b] += ra * d[b];
                }
            }
            System.arraycopy(m, 0, mu, c * dim, dim);
            for (int a = 0; a < dim; a++) {
                for (int b = 0; b <= a; b++) {
                    double v = s[a * dim + b] / nc;
                    cov[c * dim * dim + a * dim + b] = v;
                    cov[c * dim * dim + b * dim + a] = v;
                }
                cov[c * dim * dim + a * dim + a] += ridge;
            }
        }
    }

    public int components() {
        return weights.length;
    }

    /** The components' weights, in component order. */
    public double[] weights() {
        return weights.clone();
    }

    /** Row-major [components * dim]: component k's mean at k * dim. */
    public float[] means() {
        return means.clone();
    }

    /** The standard-normal thresholds [components - 1] that split u among the components. */
    public float[] thresholds() {
        return thresholds.clone();
    }

    /**
     * {@code weights} plus this prior's tensors, as {@link Vae#sample} reads them: {@value #SCALE}
     * [components * dim, dim] (component k's lower-triangular scale in rows k*dim to k*dim + dim - 1),
     * {@value #MEAN} [components * dim] and {@value #THRESHOLDS} [components - 1].
     */
    public Weights appendTo(Weights weights) {
        int k = components();
        Map<String, Weights.Tensor> prior = new LinkedHashMap<>();
        prior.put(MEAN, new Weights.Tensor(new long[] {(long) k * dim}, means));
        prior.put(SCALE, new Weights.Tensor(new long[] {(long) k * dim, dim}, scales));
        prior.put(THRESHOLDS, new Weights.Tensor(new long[] {k - 1}, thresholds));
        return weights.with(prior);
    }

    /**
     * Latents z [N, dim] for noise [N, dim + 1] through a mixture of {@code k} components whose
     * tensors are parameters named as in {@link #appendTo}.
     */
    static <T> T map(TensorOps<T> ops, T noise, int dim, int k) {
        T e = ops.columns(noise, 0, dim);
        T u = ops.columns(noise, dim, dim + 1);
        // Every component's z side by side: [N, k * dim].
        T all = ops.linear(e, ops.parameter(SCALE), ops.parameter(MEAN));
        // above[j] = 1 where u > t_j; the thresholds increase, so above is 1...1 0...0.
        T above = ops.greater(u, ops.parameter(THRESHOLDS));
        // one-hot[c] = above[c-1] - above[c], with above[-1] = 1 and above[k-1] = 0.
        float[] step = new float[k * (k - 1)];
        for (int c = 0; c < k; c++) {
            if (c > 0) step[c * (k - 1) + c - 1] = 1f;
            if (c < k - 1) step[c * (k - 1) + c] = -1f;
        }
        float[] first = new float[k];
        first[0] = 1f;
        T oneHot = ops.linear(above, ops.constant(step, k, k - 1), ops.constant(first, k));
        // The mask repeats each component's bit over its dim columns; the sum folds the k blocks.
        float[] repeat = new float[k * dim * k];
        float[] fold = new float[dim * k * dim];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < dim; j++) {
                repeat[(c * dim + j) * k + c] = 1f;
                fold[j * (k * dim) + c * dim + j] = 1f;
            }
        }
        T mask = ops.linear(oneHot, ops.constant(repeat, (long) k * dim, k), ops.constant(new float[k * dim], (long) k * dim));
        return ops.linear(ops.mul(all, mask), ops.constant(fold, dim, (long) k * dim), ops.constant(new float[dim], dim));
    }
}
