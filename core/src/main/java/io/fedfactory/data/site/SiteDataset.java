package io.fedfactory.data.site;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.RefusedFile;

import java.util.ArrayList;
import java.util.List;

/**
 * A site's data read against a federation, before anything is trained: the training and test images
 * (labelled with the federation's labels), where the test images came from, and every problem found.
 *
 * @param train      images modules are trained on (skipped classes removed)
 * @param test       images the global model is evaluated on; never overlaps {@code train}
 * @param testSource where the test images came from, in words
 * @param refused    every file not accepted, with why
 * @param skipped    classes left out for having too few training images, one line each
 * @param notes      conversions and ignored entries, one line each
 */
public record SiteDataset(Dataset train, Dataset test, String testSource, List<RefusedFile> refused,
                          List<String> skipped, List<String> notes) {

    public SiteDataset {
        refused = List.copyOf(refused);
        skipped = List.copyOf(skipped);
        notes = List.copyOf(notes);
    }

    /** Labels with training images, each with its count: the modules that would be trained. */
    public List<String> trainedClasses() {
        return present(train);
    }

    public List<String> testClasses() {
        return present(test);
    }

    /** Every line a site's engineer should read before training starts. */
    public List<String> report() {
        List<String> lines = new ArrayList<>(notes);
        lines.addAll(skipped);
        if (!refused.isEmpty()) lines.addAll(RefusedFile.describe(refused).lines().toList());
        return lines;
    }

    private static List<String> present(Dataset d) {
        int[] counts = d.classCounts();
        List<String> out = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) out.add(d.labelNames().get(c) + "=" + counts[c]);
        }
        return out;
    }
}
