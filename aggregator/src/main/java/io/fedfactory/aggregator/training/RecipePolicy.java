package io.fedfactory.aggregator.training;

import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.proto.v1.FederationSpec;

/**
 * The classifier-recipe strategy: which recipe trains a federation's global model. Injected into the
 * pipeline, so a deployment replaces it without touching the service.
 */
@FunctionalInterface
public interface RecipePolicy {

    /** The recipe, every default resolved and seeded: it is recorded as the model's effective recipe. */
    ClassifierRecipe recipe(FederationSpec spec);
}
