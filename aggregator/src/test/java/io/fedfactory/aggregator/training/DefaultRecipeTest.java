package io.fedfactory.aggregator.training;

import io.fedfactory.proto.v1.ClassifierRecipe;
import io.fedfactory.proto.v1.FederationSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The global classifier's recipe: the spec's as given, or the standard one with a 1.5-pixel input low-pass. */
class DefaultRecipeTest {

    @Test
    void aSpecWithoutARecipeGetsTheStandardRecipeWithTheInputLowPass() {
        var r = Strategies.specOrStandard(FederationSpec.newBuilder().setSeed(3).build());
        assertEquals(io.fedfactory.classifier.ClassifierRecipe.standard().withInputBlur(1.5f).withSeed(r.seed()), r);
        assertEquals(1.5f, r.inputBlur());
    }

    @Test
    void aSpecsRecipeKeepsItsOwnInputBlurZeroMeaningNone() {
        ClassifierRecipe.Builder b = ClassifierRecipe.newBuilder().setBaseWidth(8).addBlocksPerStage(1).setEpochs(1)
                .setBatchSize(16).setLearningRate(0.1f).setMomentum(0.9f).setThreads(1);
        assertEquals(0f, Strategies.specOrStandard(FederationSpec.newBuilder().setRecipe(b).build()).inputBlur());
        assertEquals(2.5f, Strategies.specOrStandard(FederationSpec.newBuilder().setRecipe(b.setInputBlur(2.5f)).build())
                .inputBlur());
    }
}
