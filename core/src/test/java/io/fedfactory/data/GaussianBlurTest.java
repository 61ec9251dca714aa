package io.fedfactory.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaussianBlurTest {

    @Test
    void flatImagesStayFlatAndAnImpulseSpreadsAsTheKernel() {
        GaussianBlur blur = new GaussianBlur(1.0);
        float[] flat = new float[2 * 9 * 9];
        Arrays.fill(flat, 0.25f);
        for (float v : blur.apply(flat, 2, 9, 9)) assertEquals(0.25f, v, 1e-6f);

        float[] impulse = new float[9 * 9];
        impulse[4 * 9 + 4] = 1f;
        float[] out = blur.apply(impulse, 1, 9, 9);
        float[] k = blur.kernel();
        int r = blur.radius();
        assertEquals(3, r);
        double sum = 0;
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 9; x++) {
                float want = Math.abs(y - 4) <= r && Math.abs(x - 4) <= r ? k[y - 4 + r] * k[x - 4 + r] : 0f;
                assertEquals(want, out[y * 9 + x], 1e-6f, "pixel " + y + "," + x);
                sum += out[y * 9 + x];
            }
        }
        assertEquals(1.0, sum, 1e-5);
        assertTrue(out[4 * 9 + 4] < 0.2f, "the centre keeps only part of its mass: " + out[4 * 9 + 4]);
    }

    @Test
    void aDatasetKeepsLabelsAndSpecAndTheSameInputGivesTheSameBits() {
        ImageSpec spec = new ImageSpec(1, 4, 4, 0f, 1f);
        float[] pixels = new float[2 * 16];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (i * 7 % 11) / 10f;
        Dataset d = new Dataset("d", spec, List.of("a", "b"), pixels, new int[] {1, 0});
        Dataset once = new GaussianBlur(0.8).apply(d, "blurred");
        Dataset twice = new GaussianBlur(0.8).apply(d, "blurred");
        assertEquals(spec, once.spec());
        assertArrayEquals(new int[] {1, 0}, once.labels());
        assertArrayEquals(once.pixelsView(), twice.pixelsView());
        assertTrue(!Arrays.equals(pixels, once.pixelsView()), "blurring changed nothing");
    }

    @Test
    void refusesASigmaOutsideItsRangeNamingTheLimit() {
        for (double s : new double[] {0, -1, Double.NaN, 9}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(s));
            assertTrue(e.getMessage().contains("(0, 8.0]"), e.getMessage());
        }
    }
}
