package io.fedfactory.classifier;

/**
 * Receives progress of a training run: about every percent of its steps and at the end of each epoch.
 * Called on the training thread, so it should return quickly; an exception it throws is logged and
 * does not stop training.
 */
@FunctionalInterface
public interface TrainingListener {

    TrainingListener NONE = progress -> { };

    void onProgress(TrainingProgress progress);
}
