package io.fedfactory.privacy;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;

import io.fedfactory.determinism.SplitMix64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The audit's learned feature space: the top principal components of the site's own training
 * images (no pretrained weights, nothing from outside the site). Projection keeps the directions in
 * which the class's images vary most and drops pixel noise, so two images that differ by small
 * shifts of texture are nearer here than in pixel space. Kind-agnostic: it needs no encoder from the
 * module. The top eigenspace of the covariance by subspace iteration, ordered within by Commons
 * Math's eigen-decomposition of the small projected problem.
 */
public final class PcaFeatures {

    /** Most images the covariance is estimated from; a seeded subset beyond that. */
    public static final int MAX_FIT_IMAGES = 2000;

    private final int dim;
    private final float[] mean;
    /** components x dim, row-major. */
    private final float[] components;
    private final int count;

    private PcaFeatures(int dim, float[] mean, float[] components, int count) {
        this.dim = dim;
        this.mean = mean;
        this.components = components;
        this.count = count;
    }

    /** Fits {@code components} principal components to the rows of {@code images} (each {@code dim} values). */
    public static PcaFeatures fit(float[] images, int dim, int components) {
        int n = images.length / dim;
        if (n < 2) throw new IllegalArgumentException("PCA needs at least 2 images, got " + n);
        int k = Math.min(components, Math.min(dim, n - 1));
        if (components < 1) throw new IllegalArgumentException("PCA components must be >= 1, got " + components);
        int step = Math.max(1, (n + MAX_FIT_IMAGES - 1) / MAX_FIT_IMAGES);
        int[] rows = IntStream.iterate(0, i -> i < n, i -> i + step).toArray();
        double[] mean = new double[dim];
        for (int r : rows) for (int j = 0; j < dim; j++) mean[j] += images[r * dim + j];
        for (int j = 0; j < dim; j++) mean[j] /= rows.length;
        double[][] cov = new double[dim][dim];
        double[] centred = new double[dim];
        for (int r : rows) {
            for (int j = 0; j < dim; j++) centred[j] = images[r * dim + j] - mean[j];
            for (int a = 0; a < dim; a++) {
                double ca = centred[a];
                if (ca == 0) continue;
                double[] row = cov[a];
                for (int b = a; b < dim; b++) row[b] += ca * centred[b];
            }
        }
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                cov[a][b] /= rows.length - 1;
                cov[b][a] = cov[a][b];
            }
        }
        double[][] q = topSubspace(cov, dim, k);
        // Rayleigh-Ritz: the small k x k problem orders the subspace's basis by variance.
        double[][] t = new double[k][k];
        double[][] cq = multiply(cov, q, dim, k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double sum = 0;
                for (int d = 0; d < dim; d++) sum += q[d][i] * cq[d][j];
                t[i][j] = sum;
            }
        }
        for (int i = 0; i < k; i++) for (int j = i + 1; j < k; j++) t[i][j] = t[j][i] = (t[i][j] + t[j][i]) / 2;
        EigenDecomposition eigen = new EigenDecomposition(MatrixUtils.createRealMatrix(t));
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
        float[] basis = new float[k * dim];
        for (int i = 0; i < k; i++) {
            double[] w = eigen.getEigenvector(order[i]).toArray();
            double[] v = new double[dim];
            for (int d = 0; d < dim; d++) {
                double sum = 0;
                for (int j = 0; j < k; j++) sum += q[d][j] * w[j];
                v[d] = sum;
            }
            // Fix each component's sign so the same images give the same basis bits.
            int largest = 0;
            for (int j = 1; j < dim; j++) if (Math.abs(v[j]) > Math.abs(v[largest])) largest = j;
            double sign = v[largest] < 0 ? -1 : 1;
            for (int j = 0; j < dim; j++) basis[i * dim + j] = (float) (sign * v[j]);
        }
        float[] m = new float[dim];
        for (int j = 0; j < dim; j++) m[j] = (float) mean[j];
        return new PcaFeatures(dim, m, basis, k);
    }

    /** Iterations of the subspace iteration: the top subspace of image covariances settles well within them. */
    static final int SUBSPACE_ITERATIONS = 100;

    /**
     * An orthonormal basis (dim x k) of the top-k eigenspace of the symmetric {@code cov}, by subspace
     * iteration from a seeded start. A full eigen-decomposition of a 784 x 784 image covariance, with
     * its many zero eigenvalues (pixels constant across a class), does not always converge in Commons
     * Math; this always returns, and the distances the audit measures depend on the subspace only.
     */
    private static double[][] topSubspace(double[][] cov, int dim, int k) {
        SplitMix64 r = new SplitMix64(0x5ca1ab1eL);
        double[][] q = new double[dim][k];
        for (int d = 0; d < dim; d++) for (int j = 0; j < k; j++) q[d][j] = r.nextGaussian();
        orthonormalize(q, dim, k);
        for (int it = 0; it < SUBSPACE_ITERATIONS; it++) {
            q = multiply(cov, q, dim, k);
            orthonormalize(q, dim, k);
        }
        return q;
    }

    private static double[][] multiply(double[][] a, double[][] q, int dim, int k) {
        double[][] out = new double[dim][k];
        for (int d = 0; d < dim; d++) {
            double[] row = a[d];
            double[] o = out[d];
            for (int e = 0; e < dim; e++) {
                double v = row[e];
                if (v == 0) continue;
                double[] qe = q[e];
                for (int j = 0; j < k; j++) o[j] += v * qe[j];
            }
        }
        return out;
    }

    /** Modified Gram-Schmidt on the columns; a column that vanishes is replaced by the next unit vector outside the rest. */
    private static void orthonormalize(double[][] q, int dim, int k) {
        int spare = 0;
        for (int j = 0; j < k; j++) {
            while (true) {
                for (int i = 0; i < j; i++) {
                    double dot = 0;
                    for (int d = 0; d < dim; d++) dot += q[d][i] * q[d][j];
                    for (int d = 0; d < dim; d++) q[d][j] -= dot * q[d][i];
                }
                double norm = 0;
                for (int d = 0; d < dim; d++) norm += q[d][j] * q[d][j];
                norm = Math.sqrt(norm);
                if (norm > 1e-12) {
                    for (int d = 0; d < dim; d++) q[d][j] /= norm;
                    break;
                }
                // k <= dim, so fewer than dim replacements always complete the basis.
                for (int d = 0; d < dim; d++) q[d][j] = d == spare ? 1 : 0;
                spare++;
            }
        }
    }

    /** Components kept. */
    public int components() {
        return count;
    }

    /** Each row of {@code images} as its {@link #components()} coordinates. */
    public float[] project(float[] images) {
        int n = images.length / dim;
        float[] out = new float[n * count];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < count; i++) {
                float s = 0;
                for (int j = 0; j < dim; j++) s += (images[r * dim + j] - mean[j]) * components[i * dim + j];
                out[r * count + i] = s;
            }
        }
        return out;
    }
}
