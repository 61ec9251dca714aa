package io.fedfactory.aggregator.training;

import io.fedfactory.classifier.Augmentation;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.LearningRateSchedule;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.synthesis.EvenSplitPlanner;
import io.fedfactory.synthesis.SynthesisPlanner;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The default federated strategies (as Flower separates strategy from transport): the synthesis
 * planner splits each class's budget evenly over its modules and plans without classes nobody
 * covers; the recipe is the spec's, or the quick preset when the spec has none, seeded from the
 * federation seed. A bean of either type elsewhere replaces the default.
 */
@ApplicationScoped
public class Strategies {

    @Produces
    @DefaultBean
    @ApplicationScoped
    SynthesisPlanner synthesisPlanner() {
        return new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.SKIP);
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    RecipePolicy recipePolicy() {
        return Strategies::specOrStandard;
    }

    /**
     * Input low-pass of the default recipe, in pixels: the global classifier trains only on synthetic
     * images, and reading them and the served images through a Gaussian of 1.5 pixels gained 4.0 points
     * on Fashion-MNIST's validation split (bench/results/NOTES.md, runs blr-a and blr-b, two seeds each).
     */
    static final float DEFAULT_INPUT_BLUR = 1.5f;

    /**
     * The spec's recipe as given (its {@code input_blur} 0 means none), or {@link ClassifierRecipe#standard()}
     * with a {@value #DEFAULT_INPUT_BLUR}-pixel input low-pass when it has none; seeded from the federation seed.
     */
    static ClassifierRecipe specOrStandard(FederationSpec spec) {
        long seed = SplitMix64.derive(spec.getSeed(), "global-classifier");
        if (!spec.hasRecipe()) return ClassifierRecipe.standard().withInputBlur(DEFAULT_INPUT_BLUR).withSeed(seed);
        var r = spec.getRecipe();
        return new ClassifierRecipe(r.getBaseWidth(), r.getBlocksPerStageList(), r.getEpochs(), r.getBatchSize(),
                r.getLearningRate(), r.getMomentum(), r.getWeightDecay(), LearningRateSchedule.COSINE,
                !r.getAugment() ? Augmentation.none()
                        : r.getAugmentCropOnly() ? new Augmentation(2, false) : Augmentation.cropAndFlip(2),
                seed, r.getThreads(), r.getInputBlur());
    }
}
