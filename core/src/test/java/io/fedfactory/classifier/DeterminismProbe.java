package io.fedfactory.classifier;

import io.fedfactory.data.ImageSpec;

/** Trains a fixed tiny classifier and prints its weight hash; run in a fresh JVM by the determinism test. */
public final class DeterminismProbe {

    public static final String PREFIX = "weights-sha256=";

    private DeterminismProbe() {
    }

    static TrainedClassifier train() {
        return new ClassifierTrainer(TestImages.tinyRecipe().withAugmentation(Augmentation.cropAndFlip(2)))
                .train(TestImages.patterns("probe", ImageSpec.unitRange(3, 12, 12), 4, 20, 3));
    }

    public static void main(String[] args) {
        System.out.println(PREFIX + train().weightHash());
    }
}
