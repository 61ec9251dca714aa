package io.fedfactory.metrics;

import java.util.ArrayList;
import java.util.List;

/** The arithmetic behind {@link ClassificationReport#evaluate}. */
final class ClassificationEvaluation {

    private ClassificationEvaluation() {}

    static ClassificationReport evaluate(int[] truth, float[][] scores, List<String> labelNames) {
        int n = truth.length;
        int k = labelNames.size();
        validate(truth, scores, k);

        int[][] confusion = new int[k][k];
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            predicted[i] = argMax(scores[i]);
            confusion[truth[i]][predicted[i]]++;
        }
        int[] support = new int[k];
        int[] predictedCount = new int[k];
        int correct = 0;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                support[t] += confusion[t][p];
                predictedCount[p] += confusion[t][p];
            }
            correct += confusion[t][t];
        }

        double[] precision = new double[k], recall = new double[k], f1 = new double[k];
        double recallSum = 0, f1Sum = 0;
        int present = 0, presentOrPredicted = 0;
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            precision[c] = ratio(tp, predictedCount[c]);
            recall[c] = ratio(tp, support[c]);
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
            if (support[c] > 0) {
                present++;
                recallSum += recall[c];
            }
            if (support[c] > 0 || predictedCount[c] > 0) {
                presentOrPredicted++;
                f1Sum += f1[c];
            }
        }

        double[] auroc = new double[k];
        List<Integer> skipped = new ArrayList<>();
        double aurocSum = 0;
        int aurocCount = 0;
        float[] column = new float[n];
        boolean[] positive = new boolean[n];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                column[i] = scores[i][c];
                positive[i] = truth[i] == c;
            }
            auroc[c] = Auroc.binary(column, positive);
            if (Double.isNaN(auroc[c])) {
                skipped.add(c);
            } else {
                aurocSum += auroc[c];
                aurocCount++;
            }
        }

        return new ClassificationReport(labelNames, n, (double) correct / n, recallSum / present,
                aurocCount == 0 ? Double.NaN : aurocSum / aurocCount, f1Sum / presentOrPredicted,
                support, precision, recall, f1, auroc, skipped, confusion);
    }

    private static void validate(int[] truth, float[][] scores, int k) {
        if (k < 1) throw new IllegalArgumentException("evaluate: no label names");
        if (truth.length == 0) throw new IllegalArgumentException("evaluate: no examples");
        if (scores.length != truth.length) {
            throw new IllegalArgumentException("evaluate: " + truth.length + " labels but " + scores.length + " score rows");
        }
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= k) {
                throw new IllegalArgumentException("evaluate: truth[" + i + "] = " + truth[i] + " is outside [0, " + k + ")");
            }
            if (scores[i].length != k) {
                throw new IllegalArgumentException("evaluate: scores[" + i + "] has " + scores[i].length
                        + " entries for " + k + " classes");
            }
            for (int c = 0; c < k; c++) {
                if (!Float.isFinite(scores[i][c])) {
                    throw new IllegalArgumentException("evaluate: scores[" + i + "][" + c + "] = " + scores[i][c]
                            + " is not finite");
                }
            }
        }
    }

    private static int argMax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
        return best;
    }

    private static double ratio(int num, int den) {
        return den == 0 ? 0 : (double) num / den;
    }
}
