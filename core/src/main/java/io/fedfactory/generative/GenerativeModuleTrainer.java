package io.fedfactory.generative;

import io.fedfactory.data.Dataset;

/**
 * Trains one generative module on the images of one class. The dataset's label names are the
 * federation's, so the module's class is recorded by its federation index and name.
 *
 * <p>The DJL trainers run one at a time per JVM: DJL's PyTorch gradient collector and the PyTorch
 * thread count are process-wide. Train a site's classes one after another.
 */
public interface GenerativeModuleTrainer {

    /** The kind of module this trainer makes. */
    ModuleKind kind();

    /**
     * Trains a module on {@code oneClass}, whose images must all carry the same label.
     *
     * @param siteId   the site that owns the images, recorded in the manifest
     * @param listener told the loss after every optimizer step
     */
    TrainedModule train(Dataset oneClass, String siteId, TrainingListener listener);

    default TrainedModule train(Dataset oneClass, String siteId) {
        return train(oneClass, siteId, TrainingListener.NONE);
    }

    /** The class every image of {@code oneClass} belongs to; fails if there are none or several. */
    static ClassLabel singleClassOf(Dataset oneClass) {
        if (oneClass.size() == 0) {
            throw new IllegalArgumentException("dataset " + oneClass.name() + " holds no images; a module needs at least 1");
        }
        int label = oneClass.label(0);
        for (int i = 1; i < oneClass.size(); i++) {
            if (oneClass.label(i) != label) {
                throw new IllegalArgumentException("dataset " + oneClass.name() + " must hold one class, but image " + i
                        + " is '" + oneClass.labelNames().get(oneClass.label(i)) + "' and image 0 is '"
                        + oneClass.labelNames().get(label) + "'");
            }
        }
        return new ClassLabel(label, oneClass.labelNames().get(label));
    }
}
