package io.fedfactory.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeldClassReportTest {

    static float[] oneHot(int k, int c) {
        float[] s = new float[k];
        s[c] = 1;
        return s;
    }

    @Test
    void aSiteHoldingTwoOfFourClassesAveragesOverItsTwoAndNamesTheAbsentOnes() {
        List<String> labels = List.of("a", "b", "c", "d");
        // Truth: two of "a", two of "c". Predictions: a, a (right), c (right), d (an absent class).
        int[] truth = {0, 0, 2, 2};
        float[][] scores = {oneHot(4, 0), oneHot(4, 0), oneHot(4, 2), oneHot(4, 3)};
        ClassificationReport full = ClassificationReport.evaluate(truth, scores, labels);
        HeldClassReport site = HeldClassReport.of(full);
        assertEquals(List.of("a", "c"), site.held());
        assertEquals(List.of("b", "d"), site.absent());
        assertEquals(1, site.predictedAbsent());
        assertArrayEquals(new double[] {1.0, 1.0}, site.precision(), 1e-12);
        assertArrayEquals(new double[] {1.0, 0.5}, site.recall(), 1e-12);
        // F1 of a = 1, of c = 2/3: the macro over held classes is 5/6, where the full report's macro F1
        // also averages in the zero F1 of the predicted absent class d.
        assertEquals((1 + 2.0 / 3) / 2, site.macroF1(), 1e-12);
        assertTrue(full.macroF1() < site.macroF1(), full.macroF1() + " vs " + site.macroF1());
        assertEquals(0.75, site.macroRecall(), 1e-12);
        assertEquals(0.75, site.accuracy(), 1e-12);
        assertTrue(site.lines().get(1).startsWith("2 of the federation's 4 classes are absent"), site.lines().get(1));
    }
}
