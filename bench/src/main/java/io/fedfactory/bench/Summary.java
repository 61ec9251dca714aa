package io.fedfactory.bench;

import java.util.List;

/** Mean and sample standard deviation (n - 1; 0 for a single value) of one figure over seeds. */
record Summary(double mean, double std, int n) {

    static Summary of(List<Double> values) {
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        return new Summary(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
    }
}
