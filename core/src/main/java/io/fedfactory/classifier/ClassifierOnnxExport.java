package io.fedfactory.classifier;

import io.fedfactory.data.GaussianBlur;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.onnx.OnnxGraphBuilder;

import java.util.List;
import java.util.Map;

/**
 * Writes a classifier as an ONNX graph: input {@value #INPUT} [N, C, H, W] float32 in the spec's value
 * range, output {@value #OUTPUT} [N, classes] (softmax). BatchNorm stays a BatchNormalization node over
 * the stored running statistics, so the graph's initializers are exactly the hashed weights (ONNX
 * Runtime folds it into the convolution when it optimizes the graph).
 *
 * <p>Metadata ({@link ClassifierMetadata}): label names, the image spec, the recipe as JSON and the
 * weights' SHA-256. Same inputs give byte-identical models.
 */
public final class ClassifierOnnxExport {

    public static final String INPUT = "image";
    public static final String OUTPUT = "probabilities";
    public static final String PRODUCER = "fedfactory";


    private ClassifierOnnxExport() {
    }

    public static byte[] export(TrainedClassifier classifier) {
        return export(classifier.recipe(), classifier.spec(), classifier.labelNames(), classifier.weights());
    }

    public static byte[] export(ClassifierRecipe recipe, ImageSpec spec, List<String> labelNames,
                                ClassifierWeights weights) {
        ClassifierArchitecture a = new ClassifierArchitecture(recipe, spec, labelNames.size());
        weights.requireLayout(a);
        OnnxGraphBuilder g = new OnnxGraphBuilder("fedfactory_classifier");
        String x = g.input(INPUT, -1, spec.channels(), spec.height(), spec.width());
        for (WeightTensor t : weights.tensors()) {
            g.initializer(t.name(), t.valuesView(), t.shape());
        }
        if (recipe.inputBlur() > 0f) x = lowPass(g, x, new GaussianBlur(recipe.inputBlur()), spec.channels());
        x = g.node("Relu", convBn(g, x, a.stem()));
        for (ClassifierArchitecture.Block b : a.blocks()) {
            String y = g.node("Relu", convBn(g, x, b.conv1()));
            y = convBn(g, y, b.conv2());
            String shortcut = b.hasProjection() ? convBn(g, x, b.projection()) : x;
            x = g.node("Relu", g.node("Add", y, shortcut));
        }
        String pooled = g.node("Flatten", List.of(g.node("GlobalAveragePool", x)), Map.of("axis", 1));
        String logits = g.node("Gemm", List.of(pooled, "head.weight", "head.bias"), Map.of("transB", 1));
        g.identity(g.node("Softmax", List.of(logits), Map.of("axis", 1)), OUTPUT);
        g.output(OUTPUT, -1, labelNames.size());
        return g.toBytes(PRODUCER, new ClassifierMetadata(spec, labelNames, recipe.toJson(), weights.sha256()).toMap());
    }

    /**
     * The recipe's input low-pass as graph nodes, in {@link GaussianBlur}'s order: edge padding, then one
     * depthwise convolution along the rows and one along the columns with the same 1-D kernel.
     */
    private static String lowPass(OnnxGraphBuilder g, String x, GaussianBlur blur, int channels) {
        float[] k = blur.kernel();
        int r = blur.radius();
        float[] weights = new float[channels * k.length];
        for (int c = 0; c < channels; c++) System.arraycopy(k, 0, weights, c * k.length, k.length);
        g.initializer("input_blur.across", weights, channels, 1, 1, k.length);
        g.initializer("input_blur.down", weights, channels, 1, k.length, 1);
        g.initializer("input_blur.pads", new long[] {0, 0, r, r, 0, 0, r, r}, 8);
        String padded = g.node("Pad", List.of(x, "input_blur.pads"), Map.of("mode", "edge"));
        String across = g.node("Conv", List.of(padded, "input_blur.across"), Map.of(
                "kernel_shape", new long[] {1, k.length}, "group", (long) channels));
        return g.node("Conv", List.of(across, "input_blur.down"), Map.of(
                "kernel_shape", new long[] {k.length, 1}, "group", (long) channels));
    }

    private static String convBn(OnnxGraphBuilder g, String x, ClassifierArchitecture.Conv c) {
        int p = c.padding();
        String y = g.node("Conv", List.of(x, c.name() + ".weight"), Map.of(
                "kernel_shape", new long[] {c.kernel(), c.kernel()},
                "strides", new long[] {c.stride(), c.stride()},
                "pads", new long[] {p, p, p, p}));
        String bn = c.name() + ".bn.";
        return g.node("BatchNormalization",
                List.of(y, bn + "gamma", bn + "beta", bn + "runningMean", bn + "runningVar"),
                Map.of("epsilon", ClassifierNetwork.BN_EPSILON));
    }
}
