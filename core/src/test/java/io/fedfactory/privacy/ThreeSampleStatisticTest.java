package io.fedfactory.privacy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThreeSampleStatisticTest {

    @Test
    void mannWhitneyUCountsPairsWithTiesHalf() {
        // 3 beats 1 and 2 and ties 3 (2.5); 5 beats all three (3); 1 ties 1 (0.5): U = 6.
        assertEquals(6.0, ThreeSampleStatistic.mannWhitneyU(new double[] {3, 5, 1}, new double[] {1, 2, 3}), 1e-12);
        assertEquals(0.0, ThreeSampleStatistic.mannWhitneyU(new double[] {1, 2}, new double[] {3, 4}), 1e-12);
        assertEquals(4.0, ThreeSampleStatistic.mannWhitneyU(new double[] {3, 4}, new double[] {1, 2}), 1e-12);
    }

    @Test
    void zuIsTheStandardizedUAndItsOneSidedPValue() {
        // m = n = 2, every sample nearer than every held-out image: U = 0, Z = (0 - 2) / sqrt(4 * 5 / 12).
        ThreeSampleStatistic t = ThreeSampleStatistic.of(new double[] {1, 2}, new double[] {3, 4});
        assertEquals(-2 / Math.sqrt(20.0 / 12), t.zu(), 1e-12);
        assertEquals(ThreeSampleStatistic.pValueOf(t.zu()), t.pValue(), 1e-15);
        assertEquals(0.5, ThreeSampleStatistic.pValueOf(0), 1e-15);
        assertEquals(0.0227501319, ThreeSampleStatistic.pValueOf(-2), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> ThreeSampleStatistic.of(new double[0], new double[] {1}));
    }
}
