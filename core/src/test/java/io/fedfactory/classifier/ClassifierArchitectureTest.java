package io.fedfactory.classifier;

import io.fedfactory.data.ImageSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierArchitectureTest {

    private static final ClassifierRecipe WIDTH_16 = ClassifierRecipe.quick().withArchitecture(16, List.of(1, 1, 1));

    @Test
    void stagesDoubleWidthAndDownsampleWithProjections() {
        ClassifierRecipe r = ClassifierRecipe.quick().withArchitecture(8, List.of(2, 1, 1));
        ClassifierArchitecture a = new ClassifierArchitecture(r, ImageSpec.unitRange(1, 28, 28), 10);
        assertEquals(new ClassifierArchitecture.Conv("stem", 1, 8, 3, 1), a.stem());
        List<ClassifierArchitecture.Block> blocks = a.blocks();
        assertEquals(4, blocks.size());
        assertFalse(blocks.get(0).hasProjection());
        assertFalse(blocks.get(1).hasProjection());
        assertEquals(new ClassifierArchitecture.Conv("stage2.block1.conv1", 8, 16, 3, 2), blocks.get(2).conv1());
        assertEquals(new ClassifierArchitecture.Conv("stage2.block1.projection", 8, 16, 1, 2), blocks.get(2).projection());
        assertEquals(new ClassifierArchitecture.Conv("stage3.block1.conv2", 32, 32, 3, 1), blocks.get(3).conv2());
        assertEquals(32, a.features());

        List<ClassifierArchitecture.Slot> slots = a.slots();
        assertEquals("stem.weight", slots.get(0).name());
        assertArrayEquals(new long[] {8, 1, 3, 3}, slots.get(0).shape());
        assertEquals(List.of("stem.bn.gamma", "stem.bn.beta", "stem.bn.runningMean", "stem.bn.runningVar"),
                slots.subList(1, 5).stream().map(ClassifierArchitecture.Slot::name).toList());
        assertEquals("head.bias", slots.get(slots.size() - 1).name());
        assertArrayEquals(new long[] {10, 32}, slots.get(slots.size() - 2).shape());
        assertFalse(slots.get(3).role().trainable());
        assertTrue(slots.get(1).role().trainable());

        long convs = 8 * 9 + 2 * 2 * (8 * 8 * 9) + (8 * 16 * 9 + 16 * 16 * 9 + 8 * 16) + (16 * 32 * 9 + 32 * 32 * 9 + 16 * 32);
        long batchNorms = 4L * (8 + 4 * 8 + 3 * 16 + 3 * 32);
        assertEquals(convs + batchNorms + 32 * 10 + 10, a.parameterCount());
    }

    @Test
    void colourStemAndClassCountFollowTheData() {
        ClassifierArchitecture a = new ClassifierArchitecture(WIDTH_16, ImageSpec.unitRange(3, 32, 32), 7);
        assertArrayEquals(new long[] {16, 3, 3, 3}, a.slots().get(0).shape());
        assertEquals(7, a.classes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassifierArchitecture(ClassifierRecipe.quick(), ImageSpec.unitRange(1, 28, 28), 1));
        assertEquals("classifier: number of classes must be in [2, 10000], got 1", e.getMessage());
    }

    @Test
    void initializationIsSeededAndFollowsTheRoles() {
        ClassifierArchitecture a = new ClassifierArchitecture(WIDTH_16, ImageSpec.unitRange(1, 28, 28), 10);
        ClassifierWeights w = SeededInitialization.of(a, 3);
        assertEquals(w, SeededInitialization.of(a, 3));
        assertFalse(w.equals(SeededInitialization.of(a, 4)));
        w.requireLayout(a);
        for (float v : w.get("stem.bn.runningVar").valuesView()) assertEquals(1f, v);
        for (float v : w.get("stem.bn.runningMean").valuesView()) assertEquals(0f, v);
        float[] conv = w.get("stage1.block1.conv1.weight").valuesView();
        double sq = 0;
        for (float v : conv) sq += v * v;
        double std = Math.sqrt(sq / conv.length);
        assertEquals(Math.sqrt(2.0 / (16 * 9)), std, 0.1 * std, "He fan-out standard deviation");
        float bound = (float) (1 / Math.sqrt(64));
        for (float v : w.get("head.weight").valuesView()) assertTrue(Math.abs(v) <= bound);
    }
}
