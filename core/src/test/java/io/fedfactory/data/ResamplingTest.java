package io.fedfactory.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplingTest {

    @Test
    void halvingUsesATriangleFilterTwoSourcePixelsWide() {
        // One 4x4 plane of 2x2 blocks with values 0, 1, 0.5, 0.25. Halving stretches the triangle to a
        // radius of 2 source pixels: along each axis output 0 weighs sources 0..2 as 3/7, 3/7, 1/7.
        // Rows give [1/7, 6/7] and [3.25/7, 2/7]; columns then mix those with the same weights.
        float[] in = {
                0, 0, 1, 1,
                0, 0, 1, 1,
                .5f, .5f, .25f, .25f,
                .5f, .5f, .25f, .25f};
        assertArrayEquals(new float[] {9.25f / 49, 38f / 49, 20.5f / 49, 18f / 49},
                Resampling.resize(in, 1, 4, 4, 2, 2), 1e-6f);
        float[] checker = {0, 1, 1, 0};
        assertArrayEquals(new float[] {0.5f}, Resampling.resize(checker, 1, 2, 2, 1, 1), 1e-6f);
    }

    @Test
    void upscalingInterpolatesWithinRangeAndKeepsChannelsApart() {
        float[] in = {0, 1, 1, 0, /* second channel */ 0.3f, 0.3f, 0.3f, 0.3f};
        float[] out = Resampling.resize(in, 2, 2, 2, 5, 7);
        assertEquals(2 * 5 * 7, out.length);
        for (int i = 0; i < 35; i++) assertTrue(out[i] >= 0f && out[i] <= 1f, "value " + out[i]);
        for (int i = 35; i < 70; i++) assertEquals(0.3f, out[i], 1e-6f);
        assertEquals(out[0], 0f, 0.3f, "corner stays close to its source pixel");
    }

    @Test
    void sameSizeIsACopyAndBadShapesFail() {
        float[] in = {1, 2, 3};
        float[] out = Resampling.resize(in, 1, 1, 3, 1, 3);
        assertArrayEquals(in, out, 0f);
        out[0] = 9;
        assertEquals(1f, in[0]);
        assertThrows(IllegalArgumentException.class, () -> Resampling.resize(in, 1, 2, 2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Resampling.resize(in, 1, 1, 3, 0, 1));
    }
}
