package io.fedfactory.generative.decoder;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.nn.Weights;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FittedPriorTest {

    /** Latents drawn as mean + A e with a known A: the fit must recover the mean and A A^T. */
    @Test
    void recoversTheMeanAndCovarianceOfCorrelatedLatents() {
        int dim = 3;
        int count = 40_000;
        double[] mean = {2.0, -1.0, 0.5};
        double[][] a = {{1.5, 0, 0}, {0.8, 0.6, 0}, {-0.4, 0.3, 0.2}};
        float[] latents = new float[count * dim];
        SplitMix64 r = new SplitMix64(7);
        for (int i = 0; i < count; i++) {
            double[] e = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            for (int j = 0; j < dim; j++) {
                double v = mean[j];
                for (int k = 0; k < dim; k++) v += a[j][k] * e[k];
                latents[i * dim + j] = (float) v;
            }
        }
        FittedPrior prior = FittedPrior.fit(latents, count, dim, 1f);
        float[] mu = prior.mean();
        float[] l = prior.scale();
        for (int j = 0; j < dim; j++) assertEquals(mean[j], mu[j], 0.03, "mean[" + j + "]");
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                double fitted = 0;
                double truth = 0;
                for (int k = 0; k < dim; k++) {
                    fitted += l[i * dim + k] * l[j * dim + k];
                    truth += a[i][k] * a[j][k];
                }
                assertEquals(truth, fitted, 0.05, "covariance[" + i + "][" + j + "]");
                if (j > i) assertEquals(0f, l[i * dim + j], "scale must be lower triangular");
            }
        }
    }

    @Test
    void temperatureScalesTheSpreadOnlyAndFitIsDeterministic() {
        float[] latents = new float[200 * 2];
        SplitMix64 r = new SplitMix64(3);
        for (int i = 0; i < latents.length; i++) latents[i] = (float) (r.nextGaussian() * 3 + 1);
        FittedPrior full = FittedPrior.fit(latents, 200, 2, 1f);
        FittedPrior cool = FittedPrior.fit(latents, 200, 2, 0.5f);
        assertArrayEquals(full.mean(), cool.mean());
        float[] a = full.scale();
        float[] b = cool.scale();
        for (int k = 0; k < a.length; k++) assertEquals(a[k] * 0.5f, b[k], 1e-6f);
        assertArrayEquals(a, FittedPrior.fit(latents, 200, 2, 1f).scale());
    }

    @Test
    void degenerateLatentsStayPositiveDefiniteThroughTheRidge() {
        float[] constantCopies = new float[50 * 2];
        for (int i = 0; i < 50; i++) {
            constantCopies[2 * i] = i;
            constantCopies[2 * i + 1] = 2 * i; // perfectly correlated: singular covariance
        }
        float[] l = FittedPrior.fit(constantCopies, 50, 2, 1f).scale();
        assertTrue(l[3] > 0 && Float.isFinite(l[3]), "second pivot " + l[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FittedPrior.fit(new float[2], 1, 2, 1f));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }

    @Test
    void appendsItsTwoTensorsAfterTheTrainedWeights() {
        Map<String, Weights.Tensor> m = new HashMap<>();
        m.put("w", new Weights.Tensor(new long[] {1}, new float[] {4f}));
        float[] latents = {0, 0, 1, 2, 3, 1};
        Weights w = FittedPrior.fit(latents, 3, 2, 1f).appendTo(new Weights(m));
        assertEquals(java.util.List.of("w", FittedPrior.MEAN, FittedPrior.SCALE), java.util.List.copyOf(w.names()));
        assertArrayEquals(new long[] {2, 2}, w.get(FittedPrior.SCALE).shape());
    }
}
