package io.fedfactory.inference;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.onnx.OnnxGraphBuilder;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;

import java.util.List;
import java.util.Map;

/**
 * Real ONNX classifiers with known answers: image [N,1,4,4] -> Flatten -> Gemm -> Softmax ->
 * "probabilities" [N,3]. Class k's logit is {@code scale} times the sum of pixel row {@code rows[k]},
 * so the brightest row decides, and the exact probabilities can be computed here.
 */
public final class TestClassifiers {

    public static final List<String> LABELS = List.of("a", "b", "c");
    public static final ImageSpec SPEC = ImageSpec.newBuilder().setChannels(1).setHeight(4).setWidth(4)
            .setValueMin(0).setValueMax(1).build();
    public static final float SCALE = 3f;

    /** Version 1 answers class k for a bright row k; version 2 reverses the rows. */
    public static final int[] ROWS_V1 = {0, 1, 2};
    public static final int[] ROWS_V2 = {2, 1, 0};

    private TestClassifiers() {}

    public static byte[] rowClassifier(int[] rows) {
        return rowClassifier(rows, true);
    }

    /** {@code softmax=false} leaves raw logits on "probabilities" (a model the probe must refuse). */
    public static byte[] rowClassifier(int[] rows, boolean softmax) {
        float[] w = new float[16 * 3];
        for (int k = 0; k < 3; k++) {
            for (int col = 0; col < 4; col++) w[(rows[k] * 4 + col) * 3 + k] = SCALE;
        }
        OnnxGraphBuilder g = new OnnxGraphBuilder("row-classifier");
        String x = g.input("image", -1, 1, 4, 4);
        String flat = g.node("Flatten", List.of(x), Map.of("axis", 1));
        String logits = g.node("Gemm", flat, g.initializer("w", w, 16, 3), g.initializer("b", new float[3], 3));
        String out = softmax ? g.node("Softmax", List.of(logits), Map.of("axis", 1)) : logits;
        g.identity(out, "probabilities");
        g.output("probabilities", -1, 3);
        return g.toBytes("fedfactory-test", Map.of("rows", java.util.Arrays.toString(rows)));
    }

    /** What the row classifier must answer for {@code image} (16 values). */
    public static float[] expected(int[] rows, float[] image) {
        double[] logits = new double[3];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
            for (int col = 0; col < 4; col++) logits[k] += SCALE * image[rows[k] * 4 + col];
            max = Math.max(max, logits[k]);
        }
        double sum = 0;
        for (int k = 0; k < 3; k++) sum += Math.exp(logits[k] - max);
        float[] p = new float[3];
        for (int k = 0; k < 3; k++) p[k] = (float) (Math.exp(logits[k] - max) / sum);
        return p;
    }

    /** An image whose row {@code row} is at {@code bright} and the rest at {@code dim}. */
    public static float[] rowImage(int row, float bright, float dim) {
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) image[i] = i / 4 == row ? bright : dim;
        return image;
    }

    /** Info as the aggregator would publish it for these bytes. */
    public static ModelVersionInfo info(String federation, int n, byte[] onnx) {
        return ModelVersionInfo.newBuilder().setVersion(federation + "-v" + n).setFederationId(federation)
                .setOnnxSha256(sha256(onnx)).setSizeBytes(onnx.length).addAllLabelNames(LABELS).setImageSpec(SPEC)
                .setPublishedAt("2026-11-21T10:00:0" + Math.min(n, 9) + ".000Z").addLineage("m" + n).build();
    }

    public static String sha256(byte[] bytes) {
        return ContentHash.sha256Hex(bytes);
    }
}
