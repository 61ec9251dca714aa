package io.fedfactory.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AurocTest {

    @Test
    void tiesCountOneHalf() {
        // Positives 0.9, 0.5, 0.5 against negatives 0.5, 0.1, 0.8: of 9 pairs, 0.9 wins 3; each 0.5
        // beats 0.1, ties 0.5 (one half) and loses to 0.8: 1.5 each. (3 + 1.5 + 1.5) / 9 = 2/3.
        float[] s = {0.9f, 0.5f, 0.5f, 0.1f, 0.5f, 0.8f};
        boolean[] pos = {true, true, false, false, true, false};
        assertEquals(2.0 / 3, Auroc.binary(s, pos), 1e-12);
    }

    @Test
    void perfectInvertedAndConstantScores() {
        boolean[] pos = {false, true, false, true};
        assertEquals(1.0, Auroc.binary(new float[] {0.1f, 0.7f, 0.2f, 0.9f}, pos), 0);
        assertEquals(0.0, Auroc.binary(new float[] {0.9f, 0.2f, 0.7f, 0.1f}, pos), 0);
        assertEquals(0.5, Auroc.binary(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, pos), 0);
        // Negative scores and signed zeros order numerically; -0.0 ties 0.0.
        assertEquals(1.0, Auroc.binary(new float[] {-5f, -0f, -1f, 3f}, new boolean[] {false, true, false, true}), 0);
        assertEquals(0.5, Auroc.binary(new float[] {-0f, 0f}, new boolean[] {true, false}), 0);
    }

    @Test
    void randomScoresGiveAboutOneHalf() {
        Random rng = new Random(17);
        int n = 20_000;
        float[] s = new float[n];
        boolean[] pos = new boolean[n];
        for (int i = 0; i < n; i++) {
            s[i] = rng.nextFloat();
            pos[i] = rng.nextInt(4) == 0;
        }
        // Standard error is about sqrt((P + N + 1) / (12 P N)) = 0.0047.
        assertEquals(0.5, Auroc.binary(s, pos), 0.02);
    }

    @Test
    void undefinedWithoutBothClassesAndRejectsNaN() {
        assertTrue(Double.isNaN(Auroc.binary(new float[] {0.1f, 0.2f}, new boolean[] {false, false})));
        assertTrue(Double.isNaN(Auroc.binary(new float[] {0.1f, 0.2f}, new boolean[] {true, true})));
        assertThrows(IllegalArgumentException.class, () -> Auroc.binary(new float[] {Float.NaN}, new boolean[] {true}));
        assertThrows(IllegalArgumentException.class, () -> Auroc.binary(new float[] {1f}, new boolean[] {true, false}));
    }
}
