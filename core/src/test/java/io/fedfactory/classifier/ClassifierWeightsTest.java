package io.fedfactory.classifier;

import io.fedfactory.data.ImageSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierWeightsTest {

    private static ClassifierWeights of(String name, float... values) {
        return new ClassifierWeights(List.of(new WeightTensor(name, new long[] {values.length}, values)));
    }

    @Test
    void hashIdentifiesBitsNamesAndShapes() {
        String base = of("a", 1f, 2f).sha256();
        assertEquals(base, of("a", 1f, 2f).sha256());
        assertNotEquals(base, of("a", 1f, Math.nextUp(2f)).sha256());
        assertNotEquals(base, of("b", 1f, 2f).sha256());
        ClassifierWeights reshaped = new ClassifierWeights(List.of(new WeightTensor("a", new long[] {1, 2}, new float[] {1f, 2f})));
        assertNotEquals(base, reshaped.sha256());
        assertEquals(64, base.length());
    }

    @Test
    void badTensorsAreRejectedByName() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new WeightTensor("stem.weight", new long[] {2}, new float[] {0f, Float.NaN}));
        assertEquals("weight stem.weight: value[1] = NaN is not finite", nan.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> new WeightTensor("head.bias", new long[] {3}, new float[] {0f}));
        assertEquals("weight head.bias: shape [3] holds 3 values, got 1", count.getMessage());
        WeightTensor t = new WeightTensor("x", new long[] {1}, new float[] {0f});
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> new ClassifierWeights(List.of(t, t)));
        assertEquals("classifier weights: duplicate tensor name x", dup.getMessage());
    }

    @Test
    void layoutMismatchNamesTheTensor() {
        ClassifierArchitecture a = new ClassifierArchitecture(TestImages.tinyRecipe(), ImageSpec.unitRange(1, 8, 8), 3);
        ClassifierArchitecture other = new ClassifierArchitecture(TestImages.tinyRecipe(), ImageSpec.unitRange(3, 8, 8), 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeededInitialization.of(other, 1).requireLayout(a));
        assertTrue(e.getMessage().contains("tensor 0 is stem.weight[4, 3, 3, 3]")
                && e.getMessage().contains("stem.weight[4, 1, 3, 3]"), e.getMessage());
        assertEquals(4L * a.parameterCount(), SeededInitialization.of(a, 1).byteSize());
    }
}
