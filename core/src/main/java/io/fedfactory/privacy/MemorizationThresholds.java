package io.fedfactory.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When the audit flags a module: when its copy rate, in pixel space or in feature space, exceeds
 * {@code maxCopyRate}, or when its Z_U in feature space falls below {@code minZu}. Without
 * memorization the copy rate is about 0.01 or less (the threshold is the 1st percentile of held-out
 * distances) and Z_U about 0. Z_U in pixel space is reported but does not decide: a blurred sample is
 * nearer in Euclidean pixel distance to every image of its class than a sharp real image is, so a
 * well-behaved but blurry decoder scores Z_U far below 0 there (measured: -6.8 for a normal decoder
 * module on Fashion-MNIST coats, -0.6 in the PCA space).
 *
 * @param maxCopyRate largest share of samples nearer a training image than the copy threshold, in [0, 1]
 * @param minZu       smallest Z_U of the three-sample test accepted
 */
public record MemorizationThresholds(double maxCopyRate, double minZu) {

    /** Copy rate at most 0.05 and Z_U at least -3. */
    public static final MemorizationThresholds DEFAULTS = new MemorizationThresholds(0.05, -3.0);

    public MemorizationThresholds {
        if (!(maxCopyRate >= 0 && maxCopyRate <= 1)) {
            throw new IllegalArgumentException("memorization maxCopyRate must be in [0, 1], got " + maxCopyRate);
        }
        if (!Double.isFinite(minZu)) throw new IllegalArgumentException("memorization minZu must be finite, got " + minZu);
    }

    /** Why the figures fail these thresholds; empty when they pass. The one rule site and aggregator share. */
    public List<String> violations(double pixelCopyRate, double featureCopyRate, double featureZu) {
        List<String> out = new ArrayList<>();
        copyRate(out, "pixel", pixelCopyRate);
        copyRate(out, "feature", featureCopyRate);
        if (!(featureZu >= minZu)) {
            out.add(String.format(Locale.ROOT, "feature.zu %.3f is below min_zu %.3f", featureZu, minZu));
        }
        return out;
    }

    private void copyRate(List<String> out, String space, double copyRate) {
        if (!(copyRate <= maxCopyRate)) {
            out.add(String.format(Locale.ROOT, "%s.copy_rate %.4f exceeds max_copy_rate %.4f", space, copyRate, maxCopyRate));
        }
    }
}
