package io.fedfactory.privacy;

import io.fedfactory.data.Dataset;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.FashionMnist;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcaFeaturesTest {

    @Test
    void recoversAPlantedSubspaceWithManyConstantPixels() {
        // 300 points in a 3-dimensional subspace of 60 dimensions, 40 of which are constant: the projection
        // onto 3 components must keep every point's distance to the mean.
        int dim = 60;
        int n = 300;
        SplitMix64 r = new SplitMix64(3);
        float[][] axes = new float[3][dim];
        for (float[] a : axes) for (int d = 40; d < dim; d++) a[d] = (float) r.nextGaussian();
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            double[] c = {3 * r.nextGaussian(), 2 * r.nextGaussian(), r.nextGaussian()};
            for (int d = 0; d < dim; d++) {
                x[i * dim + d] = 0.5f + (float) (c[0] * axes[0][d] + c[1] * axes[1][d] + c[2] * axes[2][d]);
            }
        }
        PcaFeatures pca = PcaFeatures.fit(x, dim, 3);
        float[] p = pca.project(x);
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) for (int d = 0; d < dim; d++) mean[d] += x[i * dim + d] / (double) n;
        double[] variance = new double[3];
        for (int i = 0; i < n; i++) {
            double full = 0;
            for (int d = 0; d < dim; d++) full += Math.pow(x[i * dim + d] - mean[d], 2);
            double projected = 0;
            for (int j = 0; j < 3; j++) {
                projected += p[i * 3 + j] * p[i * 3 + j];
                variance[j] += p[i * 3 + j] * p[i * 3 + j];
            }
            assertEquals(full, projected, 1e-3 * Math.max(1, full), "point " + i);
        }
        assertTrue(variance[0] >= variance[1] && variance[1] >= variance[2], "components ordered by variance");
    }

    @Test
    void fitsAFullFashionMnistClassAndIsDeterministic() throws Exception {
        Dataset shirts = FashionMnist.testImagesOfClass(0, 1000);
        PcaFeatures a = PcaFeatures.fit(shirts.pixelsView(), shirts.spec().pixels(), 32);
        PcaFeatures b = PcaFeatures.fit(shirts.pixelsView(), shirts.spec().pixels(), 32);
        assertEquals(32, a.components());
        assertArrayEquals(a.project(shirts.pixelsView()), b.project(shirts.pixelsView()));
    }
}
