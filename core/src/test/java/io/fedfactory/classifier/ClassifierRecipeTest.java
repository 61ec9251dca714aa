package io.fedfactory.classifier;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierRecipeTest {

    @Test
    void presetsUseTheReferenceOptimizer() {
        for (ClassifierRecipe r : List.of(ClassifierRecipe.quick(), ClassifierRecipe.standard())) {
            assertEquals(0.1f, r.learningRate());
            assertEquals(0.9f, r.momentum());
            assertEquals(1e-4f, r.weightDecay());
            assertEquals(LearningRateSchedule.COSINE, r.schedule());
            assertEquals(128, r.batchSize());
            assertEquals(2, r.threads());
        }
        // The shared recipe chosen on validation data: width 16, 8 epochs, no augmentation (flips would be
        // wrong for digits and text, and did not help the short schedules here).
        ClassifierRecipe standard = ClassifierRecipe.standard();
        assertEquals(16, standard.baseWidth());
        assertEquals(8, standard.epochs());
        assertTrue(!standard.augmentation().enabled());
    }

    @Test
    void invalidFieldsAreNamedWithTheirLimits() {
        ClassifierRecipe q = ClassifierRecipe.quick();
        expect("recipe.baseWidth must be in [1, 256], got 0", () -> q.withArchitecture(0, List.of(1)));
        expect("recipe.blocksPerStage must name 1 to 5 stages, got 0", () -> q.withArchitecture(8, List.of()));
        expect("recipe.blocksPerStage[1] must be in [1, 8], got 0", () -> q.withArchitecture(8, List.of(1, 0)));
        expect("recipe.epochs must be in [1, 10000], got 0", () -> q.withEpochs(0));
        expect("recipe.batchSize must be in [2, 4096], got 1", () -> q.withBatchSize(1));
        expect("recipe.learningRate must be in [0, 10.0], got NaN",
                () -> q.withOptimizer(Float.NaN, 0.9f, 0f, LearningRateSchedule.COSINE));
        expect("recipe.momentum must be in [0, 1), got 1.0",
                () -> q.withOptimizer(0.1f, 1f, 0f, LearningRateSchedule.COSINE));
        expect("recipe.threads must be in [1, 256], got 0", () -> q.withThreads(0));
        expect("augmentation.cropPadding must be in [0, 8], got 9", () -> new Augmentation(9, false));
    }

    @Test
    void isImmutableAndHasACanonicalJsonForm() {
        List<Integer> blocks = new ArrayList<>(List.of(1, 2));
        ClassifierRecipe r = ClassifierRecipe.quick().withArchitecture(8, blocks);
        blocks.set(0, 5);
        assertEquals(List.of(1, 2), r.blocksPerStage());
        assertEquals("{\"architecture\":\"resnet-basic\",\"baseWidth\":8,\"blocksPerStage\":[1,2],\"epochs\":"
                + r.epochs() + ",\"batchSize\":128,\"learningRate\":0.1,\"momentum\":0.9,\"weightDecay\":1.0E-4,"
                + "\"schedule\":\"cosine\",\"cropPadding\":0,\"horizontalFlip\":false,\"seed\":0,\"threads\":2}", r.toJson());
        assertEquals(r, ClassifierRecipe.quick().withArchitecture(8, List.of(1, 2)));
    }

    @Test
    void cosineScheduleFallsFromBaseToZero() {
        assertEquals(0.1f, LearningRateSchedule.COSINE.at(0.1f, 0, 100));
        assertEquals(0.05f, LearningRateSchedule.COSINE.at(0.1f, 50, 100), 1e-7f);
        assertEquals(0f, LearningRateSchedule.COSINE.at(0.1f, 100, 100), 1e-9f);
        assertEquals(0.1f, LearningRateSchedule.CONSTANT.at(0.1f, 70, 100));
    }

    private static void expect(String message, Supplier<?> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertEquals(message, e.getMessage());
    }
}
