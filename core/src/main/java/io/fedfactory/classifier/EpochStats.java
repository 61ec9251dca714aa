package io.fedfactory.classifier;

/**
 * What one pass over the training data did.
 *
 * @param epoch            1-based epoch (or round, for federated runs)
 * @param meanLoss         mean cross-entropy over the images of the epoch, in training mode
 * @param trainAccuracy    fraction of those images classified right while training
 * @param images           images processed
 * @param seconds          wall time of the epoch
 * @param learningRate     learning rate of the epoch's last step
 */
public record EpochStats(int epoch, double meanLoss, double trainAccuracy, long images, double seconds,
                         float learningRate) {

    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : 0;
    }
}
