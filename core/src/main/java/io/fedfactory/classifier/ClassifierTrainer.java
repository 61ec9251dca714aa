package io.fedfactory.classifier;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.GaussianBlur;
import io.fedfactory.djl.DeterministicTorch;

import java.util.Objects;

/**
 * Trains a recipe's classifier on a dataset with DJL. Weights start from {@link SeededInitialization}
 * and batches come in a seeded order, so equal data, recipe and thread count give bit-identical
 * weights, within a JVM and across JVMs.
 */
public final class ClassifierTrainer {

    private final ClassifierRecipe recipe;

    public ClassifierTrainer(ClassifierRecipe recipe) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
    }

    public ClassifierRecipe recipe() {
        return recipe;
    }

    public TrainedClassifier train(Dataset data) {
        return train(data, TrainingListener.NONE);
    }

    /** Trains on {@code data}, seen through the recipe's input low-pass when it has one. */
    public TrainedClassifier train(Dataset data, TrainingListener listener) {
        if (recipe.inputBlur() > 0f) data = new GaussianBlur(recipe.inputBlur()).apply(data, data.name());
        ClassifierArchitecture architecture = new ClassifierArchitecture(recipe, data.spec(), data.numClasses());
        ClassifierWeights initial = SeededInitialization.of(architecture, recipe.seed());
        SgdResult result = SgdTraining.run(architecture, initial, data, SgdPlan.of(recipe), null, listener);
        TrainingProvenance provenance = new TrainingProvenance(recipe.seed(), recipe.threads(),
                DeterministicTorch.versions(), data.name(), data.size(), result.examplesSeen());
        return new TrainedClassifier(recipe, data.spec(), data.labelNames(), result.weights(), result.history(),
                result.wallTime(), provenance);
    }
}
