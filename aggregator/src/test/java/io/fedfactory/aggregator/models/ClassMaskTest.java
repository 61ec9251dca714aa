package io.fedfactory.aggregator.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.fedfactory.onnx.OnnxGraphBuilder;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ClassMaskTest {

    /** image [N,2] -> Gemm(identity-ish, 3 classes) -> Softmax -> "probabilities". */
    private static byte[] classifier() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("c");
        String x = g.input("image", -1, 2);
        String logits = g.node("Gemm", List.of(x, g.initializer("w", new float[] {1, 0, 0, 1, 1, 1}, 3, 2),
                g.initializer("b", new float[] {0, 0, 0}, 3)), Map.of("transB", 1));
        g.identity(g.node("Softmax", List.of(logits), Map.of("axis", 1)), "probabilities");
        g.output("probabilities", -1, 3);
        return g.toBytes("test", Map.of());
    }

    private static float[][] run(byte[] onnx, float[] x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {x.length / 2, 2});
             OrtSession.Result r = s.run(Map.of("image", t))) {
            return (float[][]) r.get("probabilities").get().getValue();
        }
    }

    @Test
    void anUncoveredClassIsNeverPredictedAndRowsStillSumToOne() throws Exception {
        byte[] masked = ClassMask.apply(classifier(), new boolean[] {true, true, false});
        // Class 2 (logit x0 + x1) is the most likely unmasked for both rows.
        float[] x = {1f, 1f, 3f, 0.5f};
        float[][] before = run(classifier(), x);
        float[][] after = run(masked, x);
        for (int i = 0; i < 2; i++) {
            assertEquals(2, argmax(before[i]));
            assertEquals(0f, after[i][2]);
            assertEquals(1f, after[i][0] + after[i][1], 1e-6f);
            assertEquals(before[i][0] / before[i][1], after[i][0] / after[i][1], 1e-4f);
        }
        assertEquals(0, argmax(after[1]));
    }

    @Test
    void fullyCoveredModelsAreLeftAlone() throws Exception {
        byte[] onnx = classifier();
        assertSame(onnx, ClassMask.apply(onnx, new boolean[] {true, true, true}));
        assertArrayEquals(run(onnx, new float[] {1, 2})[0], run(ClassMask.apply(onnx, new boolean[] {true, true, true}),
                new float[] {1, 2})[0]);
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
        return best;
    }
}
