package io.fedfactory.privacy;

/**
 * The audit's figures in one space (pixels, or the PCA features).
 *
 * @param samplesToTraining    DCR of the samples to the training images
 * @param samplesToHeldOut     DCR of the samples to the held-out images
 * @param heldOutToTraining    DCR of the held-out images to the training images (the reference)
 * @param copyThreshold        1st percentile of heldOutToTraining
 * @param copyRate             share of samples whose DCR to training is below copyThreshold
 * @param nearerTrainingShare  share of samples nearer a training image than any held-out image, with
 *                             the training images subsampled to the held-out count (0.5 without
 *                             memorization; SDMetrics' DCR overfitting comparison)
 * @param test                 the three-sample test on samplesToTraining against heldOutToTraining
 */
public record SpaceReport(DistanceStatistics samplesToTraining, DistanceStatistics samplesToHeldOut,
                          DistanceStatistics heldOutToTraining, double copyThreshold, double copyRate,
                          double nearerTrainingShare, ThreeSampleStatistic test) {
}
