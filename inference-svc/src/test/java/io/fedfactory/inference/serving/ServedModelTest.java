package io.fedfactory.inference.serving;

import io.fedfactory.inference.TestClassifiers;
import io.fedfactory.onnx.OnnxGraphBuilder;
import io.fedfactory.proto.v1.ModelVersionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.fedfactory.inference.TestClassifiers.ROWS_V1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading, checking and reference counting of a model on a real ONNX Runtime session. */
class ServedModelTest {

    private final ModelLoader loader = new ModelLoader(TestSettings.defaults());

    private ServedModel load(byte[] onnx) throws FetchFailure {
        ModelVersionInfo info = TestClassifiers.info("fed-unit", 1, onnx);
        return loader.load(info, TestClassifiers.SPEC, TestClassifiers.LABELS, onnx, n -> { });
    }

    @Test
    void aRetiredModelClosesOnlyAfterItsLastRequestLetsGo() throws Exception {
        ServedModel model = load(TestClassifiers.rowClassifier(ROWS_V1));
        assertTrue(model.tryAcquire());
        model.retire();
        model.retire(); // the slot lets go once, however often it is told
        assertFalse(model.isClosed(), "a request still holds it");
        float[] image = TestClassifiers.rowImage(2, 1, 0);
        CompletableFuture<float[]> row = model.predict(image);
        assertArrayEquals(TestClassifiers.expected(ROWS_V1, image), row.get(10, TimeUnit.SECONDS), 1e-6f);
        model.release();
        assertTrue(model.isClosed());
        assertFalse(model.tryAcquire(), "no reference can be taken on a closed model");
        assertThrows(IllegalStateException.class, () -> model.predict(image));
    }

    @Test
    void aFixedBatchDimensionOrAWrongInputNameIsRefusedNamingIt() {
        OnnxGraphBuilder fixed = new OnnxGraphBuilder("fixed");
        String x = fixed.input("image", 1, 1, 4, 4);
        fixed.identity(fixed.node("Softmax", List.of(fixed.node("Flatten", List.of(x), Map.of("axis", 1))),
                Map.of("axis", 1)), "probabilities");
        fixed.output("probabilities", 1, 16);
        FetchFailure f = assertThrows(FetchFailure.class, () -> load(fixed.toBytes("test", Map.of())));
        assertEquals("signature", f.reason());
        assertTrue(f.getMessage().contains("fixed batch dimension 1"), f.getMessage());

        OnnxGraphBuilder renamed = new OnnxGraphBuilder("renamed");
        String pixels = renamed.input("pixels", -1, 1, 4, 4);
        renamed.identity(renamed.node("Flatten", List.of(pixels), Map.of("axis", 1)), "probabilities");
        renamed.output("probabilities", -1, 16);
        f = assertThrows(FetchFailure.class, () -> load(renamed.toBytes("test", Map.of())));
        assertTrue(f.getMessage().contains("exactly one input \"image\", it takes [pixels]"), f.getMessage());

        byte[] junk = {1, 2, 3};
        f = assertThrows(FetchFailure.class, () -> load(junk));
        assertEquals("load", f.reason());
        String version = TestClassifiers.info("fed-unit", 1, junk).getVersion();
        assertTrue(f.getMessage().contains("model " + version + " (3 bytes)"), f.getMessage());
    }

    @Test
    void wrongImageDimensionsAreRefused() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("wide");
        String x = g.input("image", -1, 1, 4, 5);
        g.identity(g.node("Softmax", List.of(g.node("Flatten", List.of(x), Map.of("axis", 1))), Map.of("axis", 1)),
                "probabilities");
        g.output("probabilities", -1, 3);
        FetchFailure f = assertThrows(FetchFailure.class, () -> load(g.toBytes("test", Map.of())));
        assertTrue(f.getMessage().contains("input \"image\" has shape [-1, 1, 4, 5], expected [N, 1, 4, 4]"), f.getMessage());
    }
}
