package io.fedfactory.bench.baseline;

import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.classifier.TrainingListener;
import io.fedfactory.data.Dataset;

import java.util.List;
import java.util.Objects;

/**
 * The recipe trained on all sites' real images pooled in one place: what no federation can beat
 * and the privacy setting forbids, the reference the federated results are read against.
 */
public final class CentralizedTraining {

    private final ClassifierRecipe recipe;

    public CentralizedTraining(ClassifierRecipe recipe) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
    }

    public TrainedClassifier train(List<Dataset> sites) {
        return train(sites, TrainingListener.NONE);
    }

    public TrainedClassifier train(List<Dataset> sites, TrainingListener listener) {
        return new ClassifierTrainer(recipe).train(Sites.pool(sites), listener);
    }
}
