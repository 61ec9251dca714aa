package io.fedfactory.metrics;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassificationReportTest {

    private static final List<String> ABC = List.of("a", "b", "c");

    private static float[] oneHot(int c, int k) {
        float[] p = new float[k];
        p[c] = 1f;
        return p;
    }

    @Test
    void perfectClassifierScoresOneEverywhere() {
        int[] truth = {0, 1, 2, 2, 1, 0};
        float[][] p = new float[truth.length][];
        for (int i = 0; i < truth.length; i++) p[i] = oneHot(truth[i], 3);
        ClassificationReport r = ClassificationReport.evaluate(truth, p, ABC);
        assertEquals(1.0, r.accuracy());
        assertEquals(1.0, r.balancedAccuracy());
        assertEquals(1.0, r.macroAuroc());
        assertEquals(1.0, r.macroF1());
        assertArrayEquals(new int[][] {{2, 0, 0}, {0, 2, 0}, {0, 0, 2}}, r.confusion());
        assertEquals(List.of(), r.aurocSkipped());
    }

    @Test
    void uninformativeClassifierHasChanceAurocAndBalancedAccuracy() {
        // Constant scores: every AUROC pair is a tie (0.5), and arg-max ties go to class 0.
        int[] truth = {0, 1, 2, 0, 1, 2, 0, 0};
        float[][] p = new float[truth.length][];
        for (int i = 0; i < truth.length; i++) p[i] = new float[] {1f / 3, 1f / 3, 1f / 3};
        ClassificationReport r = ClassificationReport.evaluate(truth, p, ABC);
        assertEquals(0.5, r.macroAuroc(), 0);
        assertEquals(4.0 / 8, r.accuracy(), 0);
        assertEquals(1.0 / 3, r.balancedAccuracy(), 1e-12);
        // Class a: precision 4/8, recall 1, F1 2/3; b and c: 0. Macro over the three: 2/9.
        assertEquals(2.0 / 9, r.macroF1(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0, 0}, r.precision(), 1e-12);
    }

    @Test
    void balancedAccuracyCorrectsForImbalance() {
        // 90 of class 0, 10 of class 1. Predictions: 80 of the 0s right, 9 of the 1s right.
        int n = 100;
        int[] truth = new int[n];
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            truth[i] = i < 90 ? 0 : 1;
            boolean right = i < 80 || (i >= 90 && i < 99);
            p[i] = right ? new float[] {truth[i] == 0 ? .8f : .2f, truth[i] == 0 ? .2f : .8f}
                    : new float[] {truth[i] == 0 ? .4f : .6f, truth[i] == 0 ? .6f : .4f};
        }
        ClassificationReport r = ClassificationReport.evaluate(truth, p, List.of("healthy", "sick"));
        assertEquals(0.89, r.accuracy(), 1e-12);
        assertEquals((80.0 / 90 + 9.0 / 10) / 2, r.balancedAccuracy(), 1e-12);
        assertArrayEquals(new int[][] {{80, 10}, {1, 9}}, r.confusion());
        assertArrayEquals(new int[] {90, 10}, r.support());
        double p0 = 80.0 / 81, r0 = 80.0 / 90, p1 = 9.0 / 19, r1 = 0.9;
        assertArrayEquals(new double[] {p0, p1}, r.precision(), 1e-12);
        assertArrayEquals(new double[] {r0, r1}, r.recall(), 1e-12);
        double f0 = 2 * p0 * r0 / (p0 + r0), f1 = 2 * p1 * r1 / (p1 + r1);
        assertEquals((f0 + f1) / 2, r.macroF1(), 1e-12);

        // A majority-class predictor looks good on accuracy and is exposed by balanced accuracy.
        float[][] majority = new float[n][];
        for (int i = 0; i < n; i++) majority[i] = new float[] {0.9f, 0.1f};
        ClassificationReport m = ClassificationReport.evaluate(truth, majority, List.of("healthy", "sick"));
        assertEquals(0.9, m.accuracy(), 1e-12);
        assertEquals(0.5, m.balancedAccuracy(), 1e-12);
    }

    @Test
    void aurocWithTiesAndAClassAbsentFromTheTruth() {
        // Class b scores of examples: positives (truth b) 0.6, 0.3, 0.3; negatives 0.3, 0.1, 0.5.
        // b: 0.6 beats all 3; each 0.3 beats 0.1, ties 0.3, loses to 0.5 -> (3 + 1.5 + 1.5) / 9 = 2/3.
        // Class a scores: positives (truth a) 0.6, 0.8, 0.5; negatives 0.3, 0.6, 0.6.
        // 0.6: beats 0.3, ties two 0.6 -> 2; 0.8 beats all -> 3; 0.5 beats 0.3 -> 1: 6/9 = 2/3.
        int[] truth = {1, 1, 0, 0, 1, 0};
        float[][] p = {
                {0.3f, 0.6f, 0.1f},
                {0.6f, 0.3f, 0.1f},
                {0.6f, 0.3f, 0.1f},
                {0.8f, 0.1f, 0.1f},
                {0.6f, 0.3f, 0.1f},
                {0.5f, 0.5f, 0.0f}};
        ClassificationReport r = ClassificationReport.evaluate(truth, p, ABC);
        assertEquals(2.0 / 3, r.auroc()[0], 1e-12);
        assertEquals(2.0 / 3, r.auroc()[1], 1e-12);
        assertTrue(Double.isNaN(r.auroc()[2]));
        assertEquals(List.of(2), r.aurocSkipped());
        assertEquals(2.0 / 3, r.macroAuroc(), 1e-12);
        // Tie 0.5/0.5 on the last row goes to class a, which is right.
        assertArrayEquals(new int[][] {{3, 0, 0}, {2, 1, 0}, {0, 0, 0}}, r.confusion());
        // Class c is neither true nor predicted: left out of macro F1 and balanced accuracy.
        double fA = 2 * 0.6 * 1.0 / 1.6, fB = 2 * 1.0 * (1.0 / 3) / (4.0 / 3);
        assertEquals((fA + fB) / 2, r.macroF1(), 1e-12);
        assertEquals((1.0 + 1.0 / 3) / 2, r.balancedAccuracy(), 1e-12);
        assertTrue(r.summary().contains("AUROC undefined for [c]"), r.summary());
    }

    @Test
    void jsonParsesAndCarriesEveryField() {
        int[] truth = {1, 1, 0, 0, 1, 0};
        float[][] p = {{0.3f, 0.6f, 0.1f}, {0.6f, 0.3f, 0.1f}, {0.6f, 0.3f, 0.1f}, {0.8f, 0.1f, 0.1f},
                {0.6f, 0.3f, 0.1f}, {0.5f, 0.5f, 0.0f}};
        List<String> names = List.of("T-shirt/top", "say \"hi\"\\", "tab\there");
        ClassificationReport r = ClassificationReport.evaluate(truth, p, names);
        JsonObject o = JsonParser.parseString(r.toJson()).getAsJsonObject();
        assertEquals(6, o.get("examples").getAsInt());
        assertEquals(r.accuracy(), o.get("accuracy").getAsDouble(), 0);
        assertEquals(r.macroAuroc(), o.get("macroAuroc").getAsDouble(), 0);
        assertEquals(2, o.getAsJsonArray("aurocSkipped").get(0).getAsInt());
        var classes = o.getAsJsonArray("classes");
        assertEquals(3, classes.size());
        for (int c = 0; c < 3; c++) {
            JsonObject cls = classes.get(c).getAsJsonObject();
            assertEquals(names.get(c), cls.get("name").getAsString());
            assertEquals(r.support()[c], cls.get("support").getAsInt());
            assertEquals(r.f1()[c], cls.get("f1").getAsDouble(), 0);
        }
        assertTrue(classes.get(2).getAsJsonObject().get("auroc").isJsonNull());
        assertEquals(2, o.getAsJsonArray("confusion").get(1).getAsJsonArray().get(0).getAsInt());
    }

    @Test
    void summaryNamesHeadlineNumbersAndWeakestClass() {
        int[] truth = {0, 0, 1, 1};
        float[][] p = {{.9f, .1f}, {.8f, .2f}, {.7f, .3f}, {.2f, .8f}};
        ClassificationReport r = ClassificationReport.evaluate(truth, p, List.of("cat", "dog"));
        String s = r.summary();
        assertTrue(s.startsWith("4 examples, 2 classes: accuracy 75.00%, balanced accuracy 75.00%, macro AUROC 100.00%"), s);
        assertTrue(s.contains("weakest class dog: F1 66.67%"), s);
    }

    @Test
    void reportIsImmutableAndComparable() {
        int[] truth = {0, 1};
        float[][] p = {{.9f, .1f}, {.2f, .8f}};
        ClassificationReport r = ClassificationReport.evaluate(truth, p, List.of("x", "y"));
        r.confusion()[0][0] = 99;
        r.precision()[0] = -1;
        assertEquals(1, r.confusion()[0][0]);
        assertEquals(1.0, r.precision()[0]);
        assertEquals(r, ClassificationReport.evaluate(truth, p, List.of("x", "y")));
        assertNotEquals(r, ClassificationReport.evaluate(new int[] {1, 1}, p, List.of("x", "y")));
    }

    @Test
    void badInputIsRejectedNamingTheField() {
        List<String> xy = List.of("x", "y");
        assertThrows(IllegalArgumentException.class, () -> ClassificationReport.evaluate(new int[0], new float[0][], xy));
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.evaluate(new int[] {2}, new float[][] {{1, 0}}, xy));
        assertTrue(label.getMessage().contains("truth[0] = 2"), label.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.evaluate(new int[] {0}, new float[][] {{1, 0, 0}}, xy));
        assertTrue(width.getMessage().contains("scores[0] has 3 entries for 2 classes"), width.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.evaluate(new int[] {0}, new float[][] {{Float.NaN, 0}}, xy));
        assertTrue(nan.getMessage().contains("scores[0][0]"), nan.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.evaluate(new int[] {0, 1}, new float[][] {{1, 0}}, xy));
    }
}
