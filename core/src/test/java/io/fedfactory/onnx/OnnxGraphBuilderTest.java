package io.fedfactory.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OnnxGraphBuilderTest {

    private static byte[] affine() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("affine");
        String x = g.input("x", -1, 2);
        String w = g.initializer("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        String b = g.initializer("b", new float[] {0.5f, -0.5f, 1f}, 3);
        String y = g.node("Gemm", List.of(x, w, b), Map.of("transB", 1));
        String r = g.node("Relu", y);
        g.identity(r, "y");
        g.output("y", -1, 3);
        return g.toBytes("test", Map.of("kind", "affine"));
    }

    @Test
    void runsInOnnxRuntime() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(affine(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {1, -1, 0, 2}), new long[] {2, 2});
             OrtSession.Result out = s.run(Map.of("x", in))) {
            float[][] y = (float[][]) out.get(0).getValue();
            // Row 1: W·[1,-1] + b = [-1+0.5, -1-0.5, -1+1] -> relu -> [0, 0, 0]
            assertArrayEquals(new float[] {0f, 0f, 0f}, y[0], 1e-6f);
            // Row 2: W·[0,2] + b = [4.5, 7.5, 13]
            assertArrayEquals(new float[] {4.5f, 7.5f, 13f}, y[1], 1e-6f);
            assertEquals("affine", s.getMetadata().getCustomMetadata().get("kind"));
        }
    }

    @Test
    void sameCallsGiveIdenticalBytes() {
        assertArrayEquals(affine(), affine());
    }
}
