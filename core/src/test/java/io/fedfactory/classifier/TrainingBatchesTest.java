package io.fedfactory.classifier;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingBatchesTest {

    private static final ImageSpec SPEC = new ImageSpec(3, 5, 6, -1f, 1f);

    @Test
    void ordersAreSeededPermutationsThatChangePerEpoch() {
        Dataset d = TestImages.patterns("d", SPEC, 2, 25, 1);
        TrainingBatches b = new TrainingBatches(d, 8, Augmentation.none(), 42);
        int[] e0 = b.order(0);
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        assertArrayEquals(e0, new TrainingBatches(d, 8, Augmentation.none(), 42).order(0));
        assertFalse(Arrays.equals(e0, b.order(1)));
        assertFalse(Arrays.equals(e0, new TrainingBatches(d, 8, Augmentation.none(), 43).order(0)));
    }

    @Test
    void aTrailingSingleImageIsDropped() {
        TrainingBatches even = new TrainingBatches(TestImages.patterns("d", SPEC, 2, 5, 1), 4, Augmentation.none(), 1);
        assertEquals(3, even.batchesPerEpoch());
        assertEquals(10, even.imagesPerEpoch());
        assertEquals(2, even.size(2));
        TrainingBatches odd = new TrainingBatches(TestImages.patterns("d", SPEC, 3, 3, 1), 4, Augmentation.none(), 1);
        assertEquals(2, odd.batchesPerEpoch());
        assertEquals(8, odd.imagesPerEpoch());
    }

    @Test
    void flipsMirrorAndCropsShiftWithTheMinimumAsFill() {
        Dataset d = TestImages.patterns("d", SPEC, 2, 20, 2);
        int px = SPEC.pixels();
        float[] out = new float[40 * px];
        int[] labels = new int[40];
        TrainingBatches flips = new TrainingBatches(d, 40, new Augmentation(0, true), 5);
        int[] order = flips.order(0);
        flips.fill(order, 0, 0, out, labels);
        int mirrored = 0;
        for (int j = 0; j < 40; j++) {
            float[] src = d.image(order[j]);
            float[] got = Arrays.copyOfRange(out, j * px, (j + 1) * px);
            assertEquals(d.label(order[j]), labels[j]);
            if (Arrays.equals(src, got)) continue;
            assertArrayEquals(shift(src, 0, 0, true), got, "image " + j + " is neither itself nor its mirror");
            mirrored++;
        }
        assertTrue(mirrored > 5 && mirrored < 35, "about half should be mirrored, got " + mirrored);

        TrainingBatches crops = new TrainingBatches(d, 40, new Augmentation(2, false), 5);
        crops.fill(order, 0, 0, out, labels);
        for (int j = 0; j < 40; j++) {
            float[] src = d.image(order[j]);
            float[] got = Arrays.copyOfRange(out, j * px, (j + 1) * px);
            boolean found = false;
            for (int dy = -2; dy <= 2 && !found; dy++) {
                for (int dx = -2; dx <= 2 && !found; dx++) found = Arrays.equals(shift(src, dy, dx, false), got);
            }
            assertTrue(found, "image " + j + " is no shift of its source within the padding");
        }
    }

    @Test
    void anInterruptCancelsTraining() {
        Dataset d = TestImages.patterns("d", ImageSpec.unitRange(1, 8, 8), 2, 8, 1);
        Thread.currentThread().interrupt();
        try {
            CancellationException e = assertThrows(CancellationException.class,
                    () -> new ClassifierTrainer(TestImages.tinyRecipe()).train(d));
            assertTrue(e.getMessage().contains("interrupted at epoch 1"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }

    private static float[] shift(float[] src, int dy, int dx, boolean flip) {
        int h = SPEC.height();
        int w = SPEC.width();
        float[] out = new float[src.length];
        for (int c = 0; c < SPEC.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = y + dy;
                    int sx = (flip ? w - 1 - x : x) + dx;
                    out[c * h * w + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? SPEC.valueMin() : src[c * h * w + sy * w + sx];
                }
            }
        }
        return out;
    }
}
