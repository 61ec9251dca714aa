package io.fedfactory.classifier;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTrainerTest {

    private static final ImageSpec GRAY = ImageSpec.unitRange(1, 16, 16);

    @Test
    void learnsSeparablePatterns() {
        Dataset train = TestImages.patterns("train", GRAY, 3, 60, 1);
        Dataset test = TestImages.patterns("test", GRAY, 3, 20, 2);
        ClassifierRecipe recipe = TestImages.tinyRecipe().withArchitecture(8, List.of(1, 1)).withEpochs(6);
        List<TrainingProgress> progress = new ArrayList<>();
        TrainedClassifier model = new ClassifierTrainer(recipe).train(train, progress::add);

        assertEquals(6, model.history().size());
        assertTrue(model.history().get(5).meanLoss() < model.history().get(0).meanLoss(),
                "loss should fall: " + model.history());
        assertEquals(6L * 180, model.provenance().examplesSeen());
        assertEquals(recipe.seed(), model.provenance().seed());
        assertTrue(model.provenance().libraries().contains("PyTorch"), model.provenance().libraries());
        assertEquals(1.0, progress.get(progress.size() - 1).fraction(), 1e-12);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i).fraction() >= progress.get(i - 1).fraction());
        }
        try (OnnxClassifier onnx = OnnxClassifier.load(model.toOnnx(), 1)) {
            double acc = TestImages.accuracy(onnx.predict(test), test.labels());
            assertTrue(acc >= 0.9, "held-out accuracy " + acc);
        }
    }

    @Test
    void sameRecipeAndDataGiveBitIdenticalWeights() {
        Dataset train = TestImages.patterns("train", ImageSpec.unitRange(3, 12, 12), 4, 20, 3);
        ClassifierRecipe recipe = TestImages.tinyRecipe().withAugmentation(Augmentation.cropAndFlip(2));
        TrainedClassifier a = new ClassifierTrainer(recipe).train(train);
        TrainedClassifier b = new ClassifierTrainer(recipe).train(train);
        TrainedClassifier c = new ClassifierTrainer(recipe.withSeed(8L)).train(train);
        assertEquals(a.weights(), b.weights());
        assertEquals(a.weightHash(), b.weightHash());
        assertNotEquals(a.weightHash(), c.weightHash());
        assertNotEquals(SeededInitialization.of(a.architecture(), recipe.seed()), a.weights(), "training moved nothing");
    }

    @Test
    void anInputBlurTrainsOnTheBlurredImagesAndRejectsASigmaOutOfRange() {
        Dataset train = TestImages.patterns("train", ImageSpec.unitRange(1, 12, 12), 3, 20, 4);
        ClassifierRecipe recipe = TestImages.tinyRecipe();
        TrainedClassifier viaRecipe = new ClassifierTrainer(recipe.withInputBlur(1f)).train(train);
        TrainedClassifier byHand = new ClassifierTrainer(recipe)
                .train(new io.fedfactory.data.GaussianBlur(1).apply(train, train.name()));
        TrainedClassifier raw = new ClassifierTrainer(recipe).train(train);
        assertEquals(byHand.weightHash(), viaRecipe.weightHash());
        assertNotEquals(raw.weightHash(), viaRecipe.weightHash(), "the low-pass changed nothing the network saw");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recipe.withInputBlur(9f));
        assertTrue(e.getMessage().contains("recipe.inputBlur") && e.getMessage().contains("(0, 8.0]"), e.getMessage());
    }

    @Test
    void rejectsDataOfAnotherShape() {
        Dataset rgb = TestImages.patterns("rgb", ImageSpec.unitRange(3, 16, 16), 3, 4, 1);
        ClassifierTrainer trainer = new ClassifierTrainer(TestImages.tinyRecipe());
        TrainedClassifier gray = trainer.train(TestImages.patterns("gray", GRAY, 3, 4, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SgdTraining.run(gray.architecture(), gray.weights(), rgb, SgdPlan.of(gray.recipe()), null, null));
        assertTrue(e.getMessage().contains("rgb") && e.getMessage().contains("3x16x16"), e.getMessage());
    }
}
