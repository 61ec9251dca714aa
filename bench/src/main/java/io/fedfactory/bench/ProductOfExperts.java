package io.fedfactory.bench;

import io.fedfactory.classifier.OnnxClassifier;
import io.fedfactory.data.Dataset;

import java.util.List;

/**
 * The paper's local-mode prediction: the product of the site classifiers' probabilities, computed as
 * the sum of their log-probabilities (each clamped at {@value #FLOOR}) and renormalized.
 */
final class ProductOfExperts {

    static final double FLOOR = 1e-12;

    private ProductOfExperts() {
    }

    /** Per image, the normalized product of every classifier's class probabilities. */
    static float[][] combine(List<byte[]> classifiers, Dataset data, int threads) {
        double[][] logSum = null;
        for (byte[] model : classifiers) {
            float[][] p;
            try (OnnxClassifier c = OnnxClassifier.load(model, threads)) {
                p = c.predict(data);
            }
            if (logSum == null) logSum = new double[p.length][p[0].length];
            for (int i = 0; i < p.length; i++) {
                for (int k = 0; k < p[i].length; k++) logSum[i][k] += Math.log(Math.max(FLOOR, p[i][k]));
            }
        }
        if (logSum == null) throw new IllegalArgumentException("a product of experts needs at least one classifier");
        float[][] out = new float[logSum.length][];
        for (int i = 0; i < logSum.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logSum[i]) max = Math.max(max, v);
            double z = 0;
            for (double v : logSum[i]) z += Math.exp(v - max);
            out[i] = new float[logSum[i].length];
            for (int k = 0; k < out[i].length; k++) out[i][k] = (float) (Math.exp(logSum[i][k] - max) / z);
        }
        return out;
    }
}
