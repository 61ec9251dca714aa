package io.fedfactory.aggregator.federation;

import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ClassifierRecipe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A spec's recipe is checked field by field before a federation opens; the refusal is typed. */
class RecipeSpecTest {

    private static ClassifierRecipe.Builder valid() {
        return ClassifierRecipe.newBuilder().setBaseWidth(8).addBlocksPerStage(1).setEpochs(1).setBatchSize(16)
                .setLearningRate(0.1f).setMomentum(0.9f).setThreads(1);
    }

    @Test
    void anInputBlurOutsideItsRangeIsRefusedNamingTheFieldValueAndLimit() {
        for (float bad : new float[] {-1f, 8.5f, Float.NaN}) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class,
                    () -> FederationSpecValidator.validate(valid().setInputBlur(bad).build()));
            assertEquals("INVALID_SPEC", e.reason());
            assertEquals("spec.recipe.input_blur", e.metadata().get(TypedErrors.FIELD));
            assertEquals(String.valueOf(bad), e.metadata().get(TypedErrors.VALUE));
            assertEquals("0 or (0, 8.0]", e.metadata().get(TypedErrors.LIMIT));
        }
        assertDoesNotThrow(() -> FederationSpecValidator.validate(valid().setInputBlur(1f).build()));
        assertDoesNotThrow(() -> FederationSpecValidator.validate(valid().build()));
    }
}
