package io.fedfactory.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.onnx.OnnxGraphBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierOnnxExportTest {

    private static Dataset fashion;
    private static TrainedClassifier trained;

    @BeforeAll
    static void trainOnRealImages() {
        fashion = TestImages.fashionMnist(320);
        ClassifierRecipe recipe = TestImages.tinyRecipe().withArchitecture(6, List.of(1, 1)).withEpochs(1);
        trained = new ClassifierTrainer(recipe).train(fashion.subset("fashion-train", range(0, 256)));
    }

    @Test
    void onnxMatchesDjlEvalModeOnRealAndRandomImages() {
        Dataset held = fashion.subset("fashion-held", range(256, 320));
        float[] random = uniform(48, fashion.spec(), 11);
        try (OnnxClassifier onnx = OnnxClassifier.load(trained.toOnnx(), 1)) {
            assertClose(djlProbabilities(trained.architecture(), trained.weights(), held.pixelsView(), held.size()),
                    onnx.predict(held));
            assertClose(djlProbabilities(trained.architecture(), trained.weights(), random, 48), onnx.predict(random, 48));
        }
    }

    @Test
    void onnxMatchesDjlForColourImagesWithNonTrivialBatchNorm() {
        ImageSpec spec = new ImageSpec(3, 32, 32, -1f, 1f);
        ClassifierRecipe recipe = TestImages.tinyRecipe().withArchitecture(4, List.of(1, 2, 1));
        ClassifierArchitecture a = new ClassifierArchitecture(recipe, spec, 3);
        ClassifierWeights w = perturbedBatchNorm(SeededInitialization.of(a, 5), 6);
        List<String> labels = List.of("a", "b", "c");
        float[] images = uniform(20, spec, 12);
        try (OnnxClassifier onnx = OnnxClassifier.load(ClassifierOnnxExport.export(recipe, spec, labels, w), 2)) {
            float[][] expected = djlProbabilities(a, w, images, 20);
            float[][] actual = onnx.predict(images, 20);
            assertClose(expected, actual);
            float spread = 0;
            for (float[] row : actual) for (float p : row) spread = Math.max(spread, Math.abs(p - 1f / 3));
            assertTrue(spread > 0.01f, "probabilities barely depend on the input; the comparison would prove little");
        }
    }

    @Test
    void anInputBlurRecipeBlursInItsGraphAsGaussianBlurDoesInJava() {
        ImageSpec spec = new ImageSpec(3, 12, 10, 0f, 1f);
        ClassifierRecipe plain = TestImages.tinyRecipe().withArchitecture(4, List.of(1, 1));
        ClassifierRecipe blurred = plain.withInputBlur(1.3f);
        ClassifierArchitecture a = new ClassifierArchitecture(plain, spec, 3);
        ClassifierWeights w = perturbedBatchNorm(SeededInitialization.of(a, 8), 9);
        List<String> labels = List.of("a", "b", "c");
        int n = 16;
        float[] images = uniform(n, spec, 13);
        float[] javaBlurred = new float[images.length];
        io.fedfactory.data.GaussianBlur blur = new io.fedfactory.data.GaussianBlur(1.3);
        for (int i = 0; i < n; i++) {
            float[] one = java.util.Arrays.copyOfRange(images, i * spec.pixels(), (i + 1) * spec.pixels());
            System.arraycopy(blur.apply(one, 3, 12, 10), 0, javaBlurred, i * spec.pixels(), spec.pixels());
        }
        try (OnnxClassifier withBlur = OnnxClassifier.load(ClassifierOnnxExport.export(blurred, spec, labels, w), 1);
             OnnxClassifier without = OnnxClassifier.load(ClassifierOnnxExport.export(plain, spec, labels, w), 1)) {
            float[][] graphBlurred = withBlur.predict(images, n);
            assertClose(without.predict(javaBlurred, n), graphBlurred);
            float diff = 0;
            float[][] raw = without.predict(images, n);
            for (int i = 0; i < n; i++) for (int c = 0; c < 3; c++) diff = Math.max(diff, Math.abs(raw[i][c] - graphBlurred[i][c]));
            assertTrue(diff > 1e-3f, "the low-pass changed no prediction; the comparison would prove little");
            assertEquals(blurred.toJson(), withBlur.recipeJson());
            assertTrue(withBlur.recipeJson().contains("\"inputBlur\":1.3"), withBlur.recipeJson());
            assertTrue(!without.recipeJson().contains("inputBlur"), "a recipe without blur keeps its old JSON");
        }
    }

    @Test
    void metadataCarriesLabelsSpecRecipeAndWeightHash() {
        byte[] model = trained.toOnnx();
        assertArrayEquals(model, ClassifierOnnxExport.export(trained), "export must be deterministic");
        try (OnnxClassifier onnx = OnnxClassifier.load(model, 1)) {
            assertEquals(TestImages.FASHION_LABELS, onnx.labelNames());
            assertEquals(fashion.spec(), onnx.spec());
            assertEquals(trained.weightHash(), onnx.weightHash());
            assertEquals(64, onnx.weightHash().length());
            assertEquals(trained.recipe().toJson(), onnx.recipeJson());
        }
    }

    @Test
    void predictingADatasetInBatchesEqualsOneCall() {
        Dataset held = fashion.subset("fashion-held", range(256, 320));
        try (OnnxClassifier onnx = OnnxClassifier.load(trained.toOnnx(), 1)) {
            float[][] whole = onnx.predict(held.pixelsView().clone(), held.size());
            float[][] batched = onnx.predict(held, 7);
            assertEquals(held.size(), batched.length);
            for (int i = 0; i < whole.length; i++) assertArrayEquals(whole[i], batched[i], 1e-6f, "image " + i);
            for (float[] row : batched) {
                float sum = 0;
                for (float p : row) sum += p;
                assertEquals(1f, sum, 1e-5f);
            }
        }
    }

    @Test
    void badModelsAndInputsAreRejectedWithClearMessages() {
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> OnnxClassifier.load(new byte[] {1, 2, 3, 4}, 1));
        assertTrue(garbage.getMessage().contains("cannot load"), garbage.getMessage());

        OnnxGraphBuilder g = new OnnxGraphBuilder("bare");
        g.identity(g.node("Relu", g.input("image", -1, 1, 28, 28)), "probabilities");
        g.output("probabilities", -1, 1, 28, 28);
        IllegalArgumentException noMeta = assertThrows(IllegalArgumentException.class,
                () -> OnnxClassifier.load(g.toBytes("test", Map.of()), 1));
        assertTrue(noMeta.getMessage().contains(ClassifierMetadata.KIND), noMeta.getMessage());

        try (OnnxClassifier onnx = OnnxClassifier.load(trained.toOnnx(), 1)) {
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> onnx.predict(new float[100], 1));
            assertTrue(count.getMessage().contains("784"), count.getMessage());
            float[] image = new float[784];
            image[5] = 1.5f;
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> onnx.predict(image, 1));
            assertTrue(range.getMessage().contains("pixel 5") && range.getMessage().contains("1.5"), range.getMessage());
            Dataset rgb = TestImages.patterns("rgb", ImageSpec.unitRange(3, 28, 28), 10, 1, 1);
            IllegalArgumentException spec = assertThrows(IllegalArgumentException.class, () -> onnx.predict(rgb));
            assertTrue(spec.getMessage().contains("rgb"), spec.getMessage());
        }
    }

    /** Softmax of the DJL network's logits in eval mode (BatchNorm on running statistics). */
    static float[][] djlProbabilities(ClassifierArchitecture a, ClassifierWeights w, float[] pixels, int n) {
        ImageSpec s = a.spec();
        float[] flat;
        try (NDManager m = DeterministicTorch.newCpuManager(); ClassifierNetwork net = new ClassifierNetwork(m, a, w)) {
            NDArray x = m.create(pixels, new Shape(n, s.channels(), s.height(), s.width()));
            flat = net.forward(x, false).softmax(1).toFloatArray();
        }
        int k = a.classes();
        float[][] out = new float[n][k];
        for (int i = 0; i < n; i++) System.arraycopy(flat, i * k, out[i], 0, k);
        return out;
    }

    private static void assertClose(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < expected[i].length; k++) worst = Math.max(worst, Math.abs(expected[i][k] - actual[i][k]));
        }
        assertTrue(worst <= 1e-4f, "largest |DJL - ONNX| = " + worst);
    }

    private static ClassifierWeights perturbedBatchNorm(ClassifierWeights w, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<WeightTensor> out = new ArrayList<>();
        for (WeightTensor t : w.tensors()) {
            float[] v = t.values();
            if (t.name().contains(".bn.")) {
                boolean positive = t.name().endsWith("gamma") || t.name().endsWith("runningVar");
                for (int i = 0; i < v.length; i++) {
                    v[i] = positive ? (float) rng.nextDouble(0.3, 2.0) : (float) rng.nextDouble(-0.5, 0.5);
                }
            }
            out.add(new WeightTensor(t.name(), t.shape(), v));
        }
        return new ClassifierWeights(out);
    }

    private static float[] uniform(int n, ImageSpec spec, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n * spec.pixels()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextDouble(spec.valueMin(), spec.valueMax());
        return v;
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
