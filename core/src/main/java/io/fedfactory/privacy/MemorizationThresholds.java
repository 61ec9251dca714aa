package io.fedfactory.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When the audit flags a module: when its copy rate, in pixel space or in feature space, exceeds
 * {@code maxCopyRate}, or when its nearer-training share, in either space, exceeds
 * {@code maxNearerTrainingShare}. Without memorization the copy rate is about 0.01 or less (the
 * threshold is the 1st percentile of held-out distances) and the nearer-training share about 0.5
 * (a sample is as likely to be nearer a training image as a held-out one, however blurry it is,
 * since both reference sets have the same size and come from the same distribution).
 *
 * <p>Z_U (Meehan et al.'s three-sample test) is reported in both spaces but does not decide. It
 * compares the samples' distances to the training set with the held-out images' distances, so any
 * sample that sits in a dense part of the class, as a blurry decode does, scores below 0 without
 * copying anything. Measured on Fashion-MNIST: a normal decoder module trained on 5,400 images scored
 * Z_U -3.9 in PCA space and -14.5 in pixel space with a copy rate of 0.000 and a nearer-training share
 * of 0.53; the module that memorized 20 images had a share of 0.72 to 0.77.
 *
 * @param maxCopyRate            largest share of samples nearer a training image than the copy threshold, in [0, 1]
 * @param maxNearerTrainingShare largest share of samples nearer the training subset than the held-out set, in [0.5, 1]
 */
public record MemorizationThresholds(double maxCopyRate, double maxNearerTrainingShare) {

    /** Copy rate at most 0.05 and nearer-training share at most 0.65. */
    public static final MemorizationThresholds DEFAULTS = new MemorizationThresholds(0.05, 0.65);

    public MemorizationThresholds {
        if (!(maxCopyRate >= 0 && maxCopyRate <= 1)) {
            throw new IllegalArgumentException("memorization maxCopyRate must be in [0, 1], got " + maxCopyRate);
        }
        if (!(maxNearerTrainingShare >= 0.5 && maxNearerTrainingShare <= 1)) {
            throw new IllegalArgumentException("memorization maxNearerTrainingShare must be in [0.5, 1], got "
                    + maxNearerTrainingShare);
        }
    }

    /** Why the figures fail these thresholds; empty when they pass. The one rule site and aggregator share. */
    public List<String> violations(double pixelCopyRate, double featureCopyRate, double pixelNearerTrainingShare,
                                   double featureNearerTrainingShare) {
        List<String> out = new ArrayList<>();
        copyRate(out, "pixel", pixelCopyRate);
        copyRate(out, "feature", featureCopyRate);
        share(out, "pixel", pixelNearerTrainingShare);
        share(out, "feature", featureNearerTrainingShare);
        return out;
    }

    private void copyRate(List<String> out, String space, double copyRate) {
        if (!(copyRate <= maxCopyRate)) {
            out.add(String.format(Locale.ROOT, "%s.copy_rate %.4f exceeds max_copy_rate %.4f", space, copyRate, maxCopyRate));
        }
    }

    private void share(List<String> out, String space, double share) {
        if (!(share <= maxNearerTrainingShare)) {
            out.add(String.format(Locale.ROOT, "%s.nearer_training_share %.4f exceeds max_nearer_training_share %.4f",
                    space, share, maxNearerTrainingShare));
        }
    }
}
