package io.fedfactory.metrics;

import java.util.Arrays;

/**
 * Exact area under the ROC curve by ranks (the Mann-Whitney U statistic): the probability that a
 * random positive scores above a random negative, ties counting one half. Tied scores share their
 * average rank, which is what makes this equal to the trapezoidal area of the ROC curve.
 */
public final class Auroc {

    private Auroc() {}

    /**
     * AUROC of {@code scores} for separating {@code positive} from the rest; NaN when either side is
     * empty, since the area is then undefined.
     */
    public static double binary(float[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("auroc: " + scores.length + " scores but " + positive.length + " flags");
        }
        int n = scores.length;
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(scores[i])) throw new IllegalArgumentException("auroc: score[" + i + "] is NaN");
            keyed[i] = ((long) sortableBits(scores[i]) << 32) | i;
        }
        Arrays.sort(keyed);
        long positives = 0;
        double positiveRankSum = 0;
        int start = 0;
        while (start < n) {
            int end = start + 1;
            float v = scores[(int) keyed[start]];
            while (end < n && scores[(int) keyed[end]] == v) end++;
            // Ranks start+1 .. end share their mean.
            double rank = (start + 1 + end) / 2.0;
            for (int j = start; j < end; j++) {
                if (positive[(int) keyed[j]]) {
                    positives++;
                    positiveRankSum += rank;
                }
            }
            start = end;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return Double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Float bits reordered so that signed int order is numeric order (-0.0 just below 0.0). */
    private static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits < 0 ? ~bits ^ Integer.MIN_VALUE : bits;
    }
}
