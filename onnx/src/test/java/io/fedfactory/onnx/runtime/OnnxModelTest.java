package io.fedfactory.onnx.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The execution layer against real ONNX Runtime sessions over a graph this test writes: y = tanh(x W). */
class OnnxModelTest {

    private static final int IN = 64;
    private static final int OUT = 32;

    @TempDir
    Path dir;

    @Test
    void twoSessionsWithTheSameSettingsGiveBitIdenticalOutputsAndTheRightValues() throws Exception {
        byte[] model = tanhMatMul(true);
        float[] x = inputs(200);
        try (OnnxModel a = OnnxModel.open("tanh-matmul", model, SessionSettings.threads(2));
             OnnxModel b = OnnxModel.open(write("model.onnx", model), SessionSettings.threads(2))) {
            float[] ya = a.run("y", new OnnxModel.Feed("x", x, 200, IN));
            float[] yb = b.run("y", new OnnxModel.Feed("x", x, 200, IN));
            assertEquals(200 * OUT, ya.length);
            assertArrayEquals(bits(ya), bits(yb), "two sessions with the same settings");
            float[] expected = reference(x, 200);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], ya[i], 1e-5, "y[" + i + "]");
            }
            // Rerunning the same session, from another buffer layout, changes nothing either.
            assertArrayEquals(bits(ya), bits(a.run("y", new OnnxModel.Feed("x", direct(x), 200, IN))));
        }
    }

    @Test
    void pinnedAndAllocatedOutputsAndRowsAgree() {
        float[] x = inputs(7);
        try (OnnxModel pinned = OnnxModel.open("declared", tanhMatMul(true), SessionSettings.threads(1));
             OnnxModel open = OnnxModel.open("symbolic", tanhMatMul(false), SessionSettings.threads(1))) {
            float[] viaPinned = pinned.run("y", new OnnxModel.Feed("x", x, 7, IN));
            OnnxModel.FloatTensor viaOrt = open.runTensor("y", new OnnxModel.Feed("x", x, 7, IN));
            assertArrayEquals(new long[] {7, OUT}, viaOrt.shape());
            assertArrayEquals(bits(viaPinned), bits(viaOrt.values()));
            float[][] rows = pinned.runRows("y", new OnnxModel.Feed("x", x, 7, IN));
            assertEquals(7, rows.length);
            for (int r = 0; r < 7; r++) {
                float[] want = new float[OUT];
                System.arraycopy(viaPinned, r * OUT, want, 0, OUT);
                assertArrayEquals(bits(want), bits(rows[r]), "row " + r);
            }
        }
    }

    @Test
    void concurrentCallsEachGetTheirOwnBuffers() throws Exception {
        try (OnnxModel model = OnnxModel.open("tanh-matmul", tanhMatMul(true), SessionSettings.threads(1))) {
            List<float[]> batches = new ArrayList<>();
            List<float[]> alone = new ArrayList<>();
            for (int n = 1; n <= 24; n++) {
                float[] x = inputs(n);
                for (int i = 0; i < x.length; i++) x[i] += n * 0.01f;
                batches.add(x);
                alone.add(model.run("y", new OnnxModel.Feed("x", x, n, IN)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    for (float[] x : batches) {
                        futures.add(pool.submit(() -> model.run("y", new OnnxModel.Feed("x", x, x.length / IN, IN))));
                    }
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertArrayEquals(bits(alone.get(i % batches.size())), bits(futures.get(i).get()), "call " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void signatureAndMetadataAreRead() {
        try (OnnxModel model = OnnxModel.open("tanh-matmul", tanhMatMul(true), SessionSettings.threads(1))) {
            assertEquals(List.of("x"), List.copyOf(model.signature().inputs().keySet()));
            GraphSignature.Tensor y = model.signature().outputs().get("y");
            assertTrue(y.float32());
            assertArrayEquals(new long[] {-1, OUT}, y.shape());
            assertEquals("layer-test", model.customMetadata().get("producer-note"));
            assertTrue(model.name().startsWith("tanh-matmul ("), model.name());
        }
        assertFalse(OnnxModel.runtimeVersion().isBlank());
    }

    @Test
    void aCorruptFileIsRefusedNamingTheFile() throws Exception {
        Path corrupt = write("corrupt.onnx", "this is not an ONNX model".getBytes(StandardCharsets.UTF_8));
        OnnxLoadException e = assertThrows(OnnxLoadException.class,
                () -> OnnxModel.open(corrupt, SessionSettings.threads(1)));
        assertEquals(corrupt.toString(), e.model());
        assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());

        Path missing = dir.resolve("missing.onnx");
        OnnxLoadException gone = assertThrows(OnnxLoadException.class,
                () -> OnnxModel.open(missing, SessionSettings.threads(1)));
        assertTrue(gone.getMessage().contains(missing.toString()), gone.getMessage());

        byte[] truncated = java.util.Arrays.copyOf(tanhMatMul(true), 100);
        OnnxLoadException cut = assertThrows(OnnxLoadException.class,
                () -> OnnxModel.open("version v7", truncated, SessionSettings.threads(1)));
        assertTrue(cut.getMessage().contains("version v7 (100 bytes)"), cut.getMessage());
        assertThrows(OnnxLoadException.class, () -> OnnxModel.open("empty", new byte[0], SessionSettings.threads(1)));
    }

    @Test
    void badInputsAndSettingsAreRefusedNamingWhat() {
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class, () -> SessionSettings.threads(0));
        assertTrue(threads.getMessage().contains("intra-op threads"), threads.getMessage());
        IllegalArgumentException shortFeed = assertThrows(IllegalArgumentException.class,
                () -> new OnnxModel.Feed("x", new float[IN], 2, IN));
        assertTrue(shortFeed.getMessage().contains("'x'"), shortFeed.getMessage());
        try (OnnxModel model = OnnxModel.open("tanh-matmul", tanhMatMul(true), SessionSettings.threads(1))) {
            OnnxRunException e = assertThrows(OnnxRunException.class,
                    () -> model.run("y", new OnnxModel.Feed("x", new float[2 * 3], 2, 3)));
            assertTrue(e.getMessage().contains("tanh-matmul") && e.getMessage().contains("x[2, 3]"), e.getMessage());
        }
    }

    // --- the graph, written as ONNX protobuf bytes ---

    /** y = tanh(x W), x [N,64], W [64,32] fixed; y declared [N,32], or [N,M] when {@code declared} is false. */
    private static byte[] tanhMatMul(boolean declared) {
        float[] w = new float[IN * OUT];
        for (int i = 0; i < w.length; i++) w[i] = weight(i);
        ByteBuffer raw = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(w);
        Proto weights = new Proto().varint(1, IN).varint(1, OUT).varint(2, 1).string(8, "w").bytes(9, raw.array());
        Proto graph = new Proto()
                .message(1, new Proto().string(1, "x").string(1, "w").string(2, "xw").string(3, "matmul").string(4, "MatMul"))
                .message(1, new Proto().string(1, "xw").string(2, "y").string(3, "tanh").string(4, "Tanh"))
                .string(2, "tanh-matmul")
                .message(5, weights)
                .message(11, valueInfo("x", null, IN))
                .message(12, valueInfo("y", declared ? null : "M", OUT));
        return new Proto().varint(1, 8).string(2, "fedfactory-test")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 17))
                .message(14, new Proto().string(1, "producer-note").string(2, "layer-test"))
                .toByteArray();
    }

    /** A float tensor [N, dim] (the second dimension symbolic, named {@code symbolic}, when given). */
    private static Proto valueInfo(String name, String symbolic, long dim) {
        Proto second = symbolic == null ? new Proto().varint(1, dim) : new Proto().string(2, symbolic);
        Proto shape = new Proto().message(1, new Proto().string(2, "N")).message(1, second);
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Just enough of the protobuf wire format for a model: varints and length-delimited fields. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            raw((long) field << 3 | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }

    private static float weight(int i) {
        return (float) Math.sin(i * 0.37) * 0.2f;
    }

    private static float[] inputs(int n) {
        float[] x = new float[n * IN];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.cos(i * 0.11) * 1.5f;
        return x;
    }

    private static float[] reference(float[] x, int n) {
        float[] y = new float[n * OUT];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < OUT; c++) {
                double sum = 0;
                for (int k = 0; k < IN; k++) sum += (double) x[r * IN + k] * weight(k * OUT + c);
                y[r * OUT + c] = (float) Math.tanh(sum);
            }
        }
        return y;
    }

    private static FloatBuffer direct(float[] x) {
        FloatBuffer b = ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(0, x);
        return b;
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
        return out;
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }
}
