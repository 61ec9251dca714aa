package io.fedfactory.classifier;

/**
 * Where a set of trained weights came from, carried with them.
 *
 * @param seed         seed of initialization, shuffling and augmentation
 * @param threads      intra-op threads the engine ran with (the bits depend on it)
 * @param libraries    library versions, e.g. {@code "DJL 0.35.1, PyTorch 2.7.1"}
 * @param dataset      name of the training dataset
 * @param datasetSize  images in it
 * @param examplesSeen images processed over the whole run
 */
public record TrainingProvenance(long seed, int threads, String libraries, String dataset, int datasetSize,
                                 long examplesSeen) {
}
