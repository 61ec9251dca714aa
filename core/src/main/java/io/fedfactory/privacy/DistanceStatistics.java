package io.fedfactory.privacy;

import java.util.Arrays;

/** Summary of a set of nearest-neighbour distances (distance to closest record, DCR). */
public record DistanceStatistics(double min, double p05, double median, double mean) {

    public static DistanceStatistics of(double[] distances) {
        if (distances.length == 0) throw new IllegalArgumentException("distance statistics of no distances");
        double[] sorted = distances.clone();
        Arrays.sort(sorted);
        return new DistanceStatistics(sorted[0], percentile(sorted, 5), percentile(sorted, 50),
                Arrays.stream(sorted).average().orElseThrow());
    }

    /** The {@code p}-th percentile of ascending {@code sorted}, linearly interpolated (NumPy's default). */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) throw new IllegalArgumentException("percentile of no values");
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
