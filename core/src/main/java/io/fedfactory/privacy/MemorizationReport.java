package io.fedfactory.privacy;

import java.util.List;
import java.util.Locale;

/**
 * What the memorization audit found for one module: numbers, thresholds and verdict, never images.
 * It travels in the module's manifest; the aggregator checks it against the federation's policy.
 *
 * @param samples          samples drawn from the module
 * @param trainingImages   images the module was trained on
 * @param heldOutImages    images held out from training
 * @param seed             seed of the samples
 * @param pixel            figures in pixel space (values scaled to [0, 1])
 * @param feature          figures in the feature space
 * @param featureSpace     what the feature space is, for example {@code pca-32(site-training-images)}
 * @param thresholds       the thresholds the verdict was taken against
 * @param flagged          the verdict: true when a threshold is crossed
 * @param reasons          the thresholds crossed; empty when not flagged
 * @param wallSeconds      time the audit took
 */
public record MemorizationReport(int samples, int trainingImages, int heldOutImages, long seed, SpaceReport pixel,
                                 SpaceReport feature, String featureSpace, MemorizationThresholds thresholds,
                                 boolean flagged, List<String> reasons, double wallSeconds) {

    public MemorizationReport {
        reasons = List.copyOf(reasons);
    }

    /** One line for logs and the local run: verdict and the figures it rests on. */
    public String summary() {
        return String.format(Locale.ROOT, "%s: copy rate pixel %.3f / feature %.3f (max %.3f), nearer-training share "
                        + "pixel %.2f / feature %.2f (max %.2f), Z_U pixel %.2f (p %.2g) / feature %.2f (p %.2g), "
                        + "DCR median to training %.3f vs to held-out %.3f%s",
                flagged ? "FLAGGED" : "PASS", pixel.copyRate(), feature.copyRate(), thresholds.maxCopyRate(),
                pixel.nearerTrainingShare(), feature.nearerTrainingShare(), thresholds.maxNearerTrainingShare(),
                pixel.test().zu(), pixel.test().pValue(), feature.test().zu(), feature.test().pValue(),
                pixel.samplesToTraining().median(), pixel.samplesToHeldOut().median(),
                reasons.isEmpty() ? "" : " [" + String.join("; ", reasons) + "]");
    }
}
