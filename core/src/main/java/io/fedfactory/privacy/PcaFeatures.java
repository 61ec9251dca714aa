package io.fedfactory.privacy;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The audit's learned feature space: the top principal components of the site's own training
 * images (no pretrained weights, nothing from outside the site). Projection keeps the directions in
 * which the class's images vary most and drops pixel noise, so two images that differ by small
 * shifts of texture are nearer here than in pixel space. Kind-agnostic: it needs no encoder from the
 * module. Eigen-decomposition of the covariance by Commons Math.
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
        RealMatrix c = MatrixUtils.createRealMatrix(cov);
        EigenDecomposition eigen = new EigenDecomposition(c);
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
        float[] basis = new float[k * dim];
        for (int i = 0; i < k; i++) {
            double[] v = eigen.getEigenvector(order[i]).toArray();
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
