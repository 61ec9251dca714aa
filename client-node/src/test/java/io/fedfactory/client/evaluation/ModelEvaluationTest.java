package io.fedfactory.client.evaluation;

import io.fedfactory.classifier.ClassifierArchitecture;
import io.fedfactory.classifier.ClassifierOnnxExport;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.OnnxClassifier;
import io.fedfactory.classifier.SeededInitialization;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.metrics.ClassificationReport;
import io.fedfactory.onnx.runtime.OnnxLoadException;
import io.fedfactory.proto.v1.ModelVersionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A site's evaluation of a published classifier, with a real exported graph in ONNX Runtime. */
class ModelEvaluationTest {

    private static final ImageSpec SPEC = new ImageSpec(1, 12, 12, 0f, 1f);
    private static final List<String> LABELS = List.of("a", "b", "c");
    /** More than one batch of {@link OnnxClassifier#DEFAULT_BATCH}, so the batches' order is checked too. */
    private static final int IMAGES = 300;

    @Test
    void scoresEveryTestImageInOrder() {
        byte[] onnx = classifier(SPEC);
        float[] pixels = new float[IMAGES * SPEC.pixels()];
        SplitMix64 rng = SplitMix64.derived(7, "model-evaluation-test");
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rng.nextDouble();
        // Labels the model gets right on even images and wrong on odd ones: accuracy is exactly one half
        // only if every score row belongs to its own image.
        int[] predicted = argmax(predict(onnx, pixels));
        int[] labels = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) labels[i] = i % 2 == 0 ? predicted[i] : (predicted[i] + 1) % LABELS.size();
        Dataset test = new Dataset("site-test", SPEC, LABELS, pixels, labels);

        ClassificationReport report = ModelEvaluation.evaluate(downloaded("v3", onnx), test, 1);
        assertEquals(IMAGES, report.examples());
        assertEquals(0.5, report.accuracy(), 1e-12);
    }

    @Test
    void aModelForOtherImagesOrCorruptBytesAreRefusedNamingThem() {
        Dataset test = new Dataset("site-test", SPEC, LABELS, new float[2 * SPEC.pixels()], new int[2]);
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> ModelEvaluation.evaluate(
                downloaded("v4", classifier(new ImageSpec(1, 16, 16, 0f, 1f))), test, 1));
        assertTrue(other.getMessage().contains("site-test") && other.getMessage().contains("expects"), other.getMessage());

        OnnxLoadException corrupt = assertThrows(OnnxLoadException.class,
                () -> ModelEvaluation.evaluate(downloaded("v5", new byte[] {8, 1, 2, 3}), test, 1));
        assertTrue(corrupt.getMessage().contains("model v5"), corrupt.getMessage());
    }

    private static byte[] classifier(ImageSpec spec) {
        ClassifierRecipe recipe = ClassifierRecipe.quick().withArchitecture(4, List.of(1, 1));
        return ClassifierOnnxExport.export(recipe, spec, LABELS,
                SeededInitialization.of(new ClassifierArchitecture(recipe, spec, LABELS.size()), 5));
    }

    private static float[][] predict(byte[] onnx, float[] pixels) {
        try (OnnxClassifier c = OnnxClassifier.load(onnx, 1)) {
            return c.predict(pixels, IMAGES);
        }
    }

    private static int[] argmax(float[][] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 1; k < rows[i].length; k++) if (rows[i][k] > rows[i][out[i]]) out[i] = k;
        }
        return out;
    }

    private static ModelEvaluation.DownloadedModel downloaded(String version, byte[] onnx) {
        return new ModelEvaluation.DownloadedModel(ModelVersionInfo.newBuilder().setVersion(version).build(), onnx);
    }
}
