package io.fedfactory.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A report restricted to the classes a data set holds: what a site can honestly say about a global
 * model on its own images, when it holds only some of the federation's classes. Per-class precision,
 * recall and F1 are given for the held classes only, macro averages are over them, and the absent
 * classes are counted and named instead of being averaged in as zeros.
 *
 * @param held             labels with at least one image, ascending
 * @param absent           labels without an image, ascending
 * @param examples         images evaluated
 * @param accuracy         over all images
 * @param macroPrecision   mean precision over held classes
 * @param macroRecall      mean recall over held classes (the balanced accuracy)
 * @param macroF1          mean F1 over held classes
 * @param predictedAbsent  images predicted as an absent class
 * @param support          images per held class, in the order of {@code held}
 * @param precision        per held class
 * @param recall           per held class
 * @param f1               per held class
 */
public record HeldClassReport(List<String> held, List<String> absent, int examples, double accuracy,
                              double macroPrecision, double macroRecall, double macroF1, int predictedAbsent,
                              int[] support, double[] precision, double[] recall, double[] f1) {

    public HeldClassReport {
        held = List.copyOf(held);
        absent = List.copyOf(absent);
        support = support.clone();
        precision = precision.clone();
        recall = recall.clone();
        f1 = f1.clone();
    }

    /** Restricts {@code report} to the classes with support in its truth. */
    public static HeldClassReport of(ClassificationReport report) {
        int[] support = report.support();
        int[][] confusion = report.confusion();
        List<String> held = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        List<Integer> heldIdx = new ArrayList<>();
        for (int c = 0; c < support.length; c++) {
            if (support[c] > 0) {
                held.add(report.labelNames().get(c));
                heldIdx.add(c);
            } else {
                absent.add(report.labelNames().get(c));
            }
        }
        int k = heldIdx.size();
        int[] sup = new int[k];
        double[] p = new double[k], r = new double[k], f = new double[k];
        double mp = 0, mr = 0, mf = 0;
        double[] allP = report.precision(), allR = report.recall(), allF = report.f1();
        for (int i = 0; i < k; i++) {
            int c = heldIdx.get(i);
            sup[i] = support[c];
            p[i] = allP[c];
            r[i] = allR[c];
            f[i] = allF[c];
            mp += p[i];
            mr += r[i];
            mf += f[i];
        }
        int predictedAbsent = 0;
        for (int t = 0; t < confusion.length; t++) {
            for (int q = 0; q < confusion[t].length; q++) {
                if (support[q] == 0) predictedAbsent += confusion[t][q];
            }
        }
        double n = Math.max(1, k);
        return new HeldClassReport(held, absent, report.examples(), report.accuracy(), k == 0 ? Double.NaN : mp / n,
                k == 0 ? Double.NaN : mr / n, k == 0 ? Double.NaN : mf / n, predictedAbsent, sup, p, r, f);
    }

    @Override public int[] support() { return support.clone(); }
    @Override public double[] precision() { return precision.clone(); }
    @Override public double[] recall() { return recall.clone(); }
    @Override public double[] f1() { return f1.clone(); }

    /** Lines for a console: the headline over held classes, the absent classes, then one line per held class. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%d images of %d held classes: accuracy %s; over the held classes macro "
                        + "precision %s, macro recall %s, macro F1 %s", examples, held.size(), pct(accuracy),
                pct(macroPrecision), pct(macroRecall), pct(macroF1)));
        out.add(absent.isEmpty() ? "no class of the federation is absent from these images"
                : String.format(Locale.ROOT, "%d of the federation's %d classes are absent from these images and not "
                        + "averaged in: %s; %d images were predicted as one of them", absent.size(),
                absent.size() + held.size(), absent, predictedAbsent));
        for (int i = 0; i < held.size(); i++) {
            out.add(String.format(Locale.ROOT, "  %s: precision %s, recall %s, F1 %s (%d images)", held.get(i),
                    pct(precision[i]), pct(recall[i]), pct(f1[i]), support[i]));
        }
        return out;
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldClassReport h && held.equals(h.held) && absent.equals(h.absent) && examples == h.examples
                && Double.compare(accuracy, h.accuracy) == 0 && Double.compare(macroF1, h.macroF1) == 0
                && predictedAbsent == h.predictedAbsent && java.util.Arrays.equals(support, h.support)
                && java.util.Arrays.equals(precision, h.precision) && java.util.Arrays.equals(recall, h.recall)
                && java.util.Arrays.equals(f1, h.f1);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(held, absent, examples, accuracy, macroF1, predictedAbsent);
    }
}
