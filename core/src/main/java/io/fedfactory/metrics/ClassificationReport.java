package io.fedfactory.metrics;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.fedfactory.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How well a classifier's predictions match the truth: the metrics the FederatedFactory paper reports
 * (accuracy, macro AUROC, F1, precision, recall) plus balanced accuracy and the confusion matrix.
 * Build one with {@link #evaluate}.
 *
 * <p>Conventions follow scikit-learn, so numbers can be checked against it: the prediction is the
 * arg-max class (the lowest index on ties); precision, recall and F1 are 0 where their denominator is
 * 0; balanced accuracy averages recall over classes present in the truth; macro F1 averages over
 * classes present in the truth or the predictions; macro AUROC averages one-vs-rest AUROC over classes
 * with both positives and negatives in the truth, and lists the others in {@code aurocSkipped}.
 *
 * @param labelNames    class names, indexed by label
 * @param examples      number of examples evaluated
 * @param accuracy      fraction of examples whose prediction is right
 * @param balancedAccuracy mean recall over classes present in the truth
 * @param macroAuroc    mean one-vs-rest AUROC over the classes it is defined for; NaN if none
 * @param macroF1       mean F1 over classes present in the truth or the predictions
 * @param support       true examples per class
 * @param precision     per class
 * @param recall        per class
 * @param f1            per class
 * @param auroc         per class one-vs-rest AUROC; NaN for skipped classes
 * @param aurocSkipped  classes without positives or without negatives in the truth, ascending
 * @param confusion     {@code confusion[true][predicted]} counts
 */
public record ClassificationReport(List<String> labelNames, int examples, double accuracy, double balancedAccuracy,
                                   double macroAuroc, double macroF1, int[] support, double[] precision,
                                   double[] recall, double[] f1, double[] auroc, List<Integer> aurocSkipped,
                                   int[][] confusion) {

    public ClassificationReport {
        labelNames = List.copyOf(labelNames);
        aurocSkipped = List.copyOf(aurocSkipped);
        int k = labelNames.size();
        checkLength("support", support.length, k);
        checkLength("precision", precision.length, k);
        checkLength("recall", recall.length, k);
        checkLength("f1", f1.length, k);
        checkLength("auroc", auroc.length, k);
        checkLength("confusion", confusion.length, k);
        for (int[] row : confusion) checkLength("confusion row", row.length, k);
        support = support.clone();
        precision = precision.clone();
        recall = recall.clone();
        f1 = f1.clone();
        auroc = auroc.clone();
        confusion = deepCopy(confusion);
    }

    /**
     * Evaluates class scores against the truth.
     *
     * @param truth      true label per example, in [0, k)
     * @param scores     per example, one score per class (probabilities, or any scores monotone in them:
     *                   arg-max and AUROC depend only on order)
     * @param labelNames the k class names
     */
    public static ClassificationReport evaluate(int[] truth, float[][] scores, List<String> labelNames) {
        return ClassificationEvaluation.evaluate(truth, scores, labelNames);
    }

    @Override public int[] support() { return support.clone(); }
    @Override public double[] precision() { return precision.clone(); }
    @Override public double[] recall() { return recall.clone(); }
    @Override public double[] f1() { return f1.clone(); }
    @Override public double[] auroc() { return auroc.clone(); }
    @Override public int[][] confusion() { return deepCopy(confusion); }

    public int numClasses() {
        return labelNames.size();
    }

    /** The report as a JSON object; undefined values (NaN) are written as null. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("examples", examples);
        o.add("accuracy", Json.number(accuracy));
        o.add("balancedAccuracy", Json.number(balancedAccuracy));
        o.add("macroAuroc", Json.number(macroAuroc));
        o.add("macroF1", Json.number(macroF1));
        JsonArray skipped = new JsonArray();
        aurocSkipped.forEach(skipped::add);
        o.add("aurocSkipped", skipped);
        JsonArray classes = new JsonArray();
        for (int c = 0; c < numClasses(); c++) {
            JsonObject k = new JsonObject();
            k.addProperty("label", c);
            k.addProperty("name", labelNames.get(c));
            k.addProperty("support", support[c]);
            k.add("precision", Json.number(precision[c]));
            k.add("recall", Json.number(recall[c]));
            k.add("f1", Json.number(f1[c]));
            k.add("auroc", Json.number(auroc[c]));
            classes.add(k);
        }
        o.add("classes", classes);
        JsonArray rows = new JsonArray();
        for (int[] row : confusion) {
            JsonArray r = new JsonArray();
            for (int v : row) r.add(v);
            rows.add(r);
        }
        o.add("confusion", rows);
        return Json.compact(o);
    }

    /** Two lines for a log or a console: the headline numbers, then the weakest class by F1. */
    public String summary() {
        String head = String.format(Locale.ROOT, "%d examples, %d classes: accuracy %s, balanced accuracy %s,"
                        + " macro AUROC %s, macro F1 %s", examples, numClasses(), percent(accuracy),
                percent(balancedAccuracy), percent(macroAuroc), percent(macroF1));
        int worst = -1;
        for (int c = 0; c < numClasses(); c++) {
            if (support[c] > 0 && (worst < 0 || f1[c] < f1[worst])) worst = c;
        }
        StringBuilder s = new StringBuilder(head);
        if (worst >= 0) {
            s.append(String.format(Locale.ROOT, "\nweakest class %s: F1 %s (precision %s, recall %s, %d examples)",
                    labelNames.get(worst), percent(f1[worst]), percent(precision[worst]), percent(recall[worst]),
                    support[worst]));
        }
        if (!aurocSkipped.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (int c : aurocSkipped) names.add(labelNames.get(c));
            s.append("; AUROC undefined for ").append(names);
        }
        return s.toString();
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static void checkLength(String field, int length, int k) {
        if (length != k) throw new IllegalArgumentException("report: " + field + " has " + length + " entries for " + k + " classes");
    }

    private static int[][] deepCopy(int[][] m) {
        int[][] out = new int[m.length][];
        for (int i = 0; i < m.length; i++) out[i] = m[i].clone();
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationReport r && labelNames.equals(r.labelNames) && examples == r.examples
                && Double.compare(accuracy, r.accuracy) == 0 && Double.compare(balancedAccuracy, r.balancedAccuracy) == 0
                && Double.compare(macroAuroc, r.macroAuroc) == 0 && Double.compare(macroF1, r.macroF1) == 0
                && Arrays.equals(support, r.support) && Arrays.equals(precision, r.precision)
                && Arrays.equals(recall, r.recall) && Arrays.equals(f1, r.f1) && Arrays.equals(auroc, r.auroc)
                && aurocSkipped.equals(r.aurocSkipped) && Arrays.deepEquals(confusion, r.confusion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(labelNames, examples, accuracy, macroAuroc, Arrays.hashCode(support),
                Arrays.deepHashCode(confusion));
    }

    @Override
    public String toString() {
        return "ClassificationReport[" + summary().replace("\n", "; ") + "]";
    }
}
