package io.fedfactory.privacy;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The data-copying test of Meehan, Chaudhuri and Dasgupta (AISTATS 2020), on one cell: with T the
 * training images, P held-out images and Q generated samples, the Mann-Whitney U statistic compares
 * the distances d(Q_i, T) of samples to their nearest training image with the distances d(P_j, T) of
 * held-out images to theirs, and Z_U is its normal approximation. Z_U far below 0 says the samples
 * sit closer to the training images than fresh images of the same distribution do (data copying);
 * far above 0, that they are farther (under-fitting). The paper also partitions the space into
 * cells and averages Z_U over them; this is the single-cell statistic.
 *
 * @param zu     (U - mn/2) / sqrt(mn(m+n+1)/12), U counting pairs with d(Q_i, T) > d(P_j, T), ties half
 * @param pValue one-sided P(Z <= zu) under the null that Q and P are equally close to T
 */
public record ThreeSampleStatistic(double zu, double pValue) {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    public static ThreeSampleStatistic of(double[] samplesToTraining, double[] heldOutToTraining) {
        int m = samplesToTraining.length;
        int n = heldOutToTraining.length;
        if (m == 0 || n == 0) throw new IllegalArgumentException("three-sample test needs samples and held-out images");
        double u = mannWhitneyU(samplesToTraining, heldOutToTraining);
        double mn = (double) m * n;
        double zu = (u - mn / 2) / Math.sqrt(mn * (m + n + 1) / 12.0);
        return new ThreeSampleStatistic(zu, pValueOf(zu));
    }

    /**
     * Mann-Whitney U of {@code a} against {@code b}: the pairs (i, j) with a[i] > b[j], ties counted half.
     * U / (|a| |b|) is the area under the ROC curve of a score that ranks {@code a} above {@code b}.
     */
    public static double mannWhitneyU(double[] a, double[] b) {
        int m = a.length;
        double[] all = new double[m + b.length];
        System.arraycopy(a, 0, all, 0, m);
        System.arraycopy(b, 0, all, m, b.length);
        double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(all);
        double rankSum = 0;
        for (int i = 0; i < m; i++) rankSum += ranks[i];
        return rankSum - m * (m + 1) / 2.0;
    }

    /** One-sided P(Z <= zu) for a standard normal Z. */
    public static double pValueOf(double zu) {
        return STANDARD_NORMAL.cumulativeProbability(zu);
    }
}
