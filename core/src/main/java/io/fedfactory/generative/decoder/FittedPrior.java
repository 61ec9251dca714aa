package io.fedfactory.generative.decoder;

import io.fedfactory.generative.nn.Weights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A full-covariance Gaussian over the latent space, fitted to the posterior means of a class's images
 * (ex-post density estimation, Ghosh et al. 2019). It maps standard-normal noise e to z = mean + scale e,
 * where scale is the Cholesky factor of the covariance times a temperature, so a module samples the
 * latents its decoder actually saw instead of a prior the posterior never matched.
 */
public final class FittedPrior {

    public static final String MEAN = "prior.mean";
    public static final String SCALE = "prior.scale";

    /** Ridge added to the covariance's diagonal, relative to its mean variance: keeps it positive definite. */
    static final double RELATIVE_RIDGE = 1e-3;

    private final float[] mean;
    private final float[] scale;
    private final int dim;

    private FittedPrior(float[] mean, float[] scale) {
        this.mean = mean;
        this.scale = scale;
        this.dim = mean.length;
    }

    /**
     * Fits the Gaussian to {@code count} latents (flat [count, dim]), summing in a fixed order so the same
     * latents give the same bits.
     */
    public static FittedPrior fit(float[] latents, int count, int dim, float temperature) {
        if (count < 2) throw new IllegalArgumentException("fitting a latent prior needs at least 2 images, got " + count);
        double[] mu = new double[dim];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dim; j++) mu[j] += latents[i * dim + j];
        }
        for (int j = 0; j < dim; j++) mu[j] /= count;
        double[] cov = new double[dim * dim];
        double[] d = new double[dim];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dim; j++) d[j] = latents[i * dim + j] - mu[j];
            for (int a = 0; a < dim; a++) {
                for (int b = 0; b <= a; b++) cov[a * dim + b] += d[a] * d[b];
            }
        }
        double trace = 0;
        for (int a = 0; a < dim; a++) {
            for (int b = 0; b <= a; b++) cov[a * dim + b] /= count - 1;
            trace += cov[a * dim + a];
        }
        double ridge = RELATIVE_RIDGE * Math.max(trace / dim, 1e-12);
        for (int a = 0; a < dim; a++) cov[a * dim + a] += ridge;
        double[] chol = cholesky(cov, dim);
        float[] mean = new float[dim];
        float[] scale = new float[dim * dim];
        for (int j = 0; j < dim; j++) mean[j] = (float) mu[j];
        for (int k = 0; k < dim * dim; k++) scale[k] = (float) (chol[k] * temperature);
        return new FittedPrior(mean, scale);
    }

    /** Lower-triangular L with L L^T = a (a's lower triangle is read). */
    static double[] cholesky(double[] a, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalStateException("latent covariance is not positive definite at dimension " + i
                                + " (pivot " + s + ")");
                    }
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        return l;
    }

    public float[] mean() {
        return mean.clone();
    }

    /** Row-major [dim, dim], lower triangular. */
    public float[] scale() {
        return scale.clone();
    }

    /** {@code weights} plus this prior's two tensors, as a decoder with a fitted prior reads them. */
    public Weights appendTo(Weights weights) {
        Map<String, Weights.Tensor> prior = new LinkedHashMap<>();
        prior.put(MEAN, new Weights.Tensor(new long[] {dim}, mean));
        prior.put(SCALE, new Weights.Tensor(new long[] {dim, dim}, scale));
        return weights.with(prior);
    }
}
