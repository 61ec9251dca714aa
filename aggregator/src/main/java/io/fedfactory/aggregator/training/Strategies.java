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

    /** The spec's recipe, or {@link ClassifierRecipe#standard()} when it has none; seeded from the federation seed. */
    static ClassifierRecipe specOrStandard(FederationSpec spec) {
        long seed = SplitMix64.derive(spec.getSeed(), "global-classifier");
        if (!spec.hasRecipe()) return ClassifierRecipe.standard().withSeed(seed);
        var r = spec.getRecipe();
        return new ClassifierRecipe(r.getBaseWidth(), r.getBlocksPerStageList(), r.getEpochs(), r.getBatchSize(),
                r.getLearningRate(), r.getMomentum(), r.getWeightDecay(), LearningRateSchedule.COSINE,
                !r.getAugment() ? Augmentation.none()
                        : r.getAugmentCropOnly() ? new Augmentation(2, false) : Augmentation.cropAndFlip(2),
                seed, r.getThreads(), r.getInputBlur());
    }
}
