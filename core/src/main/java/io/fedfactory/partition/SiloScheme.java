package io.fedfactory.partition;

import io.fedfactory.data.Dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * The pathological split of the FederatedFactory paper: every class lives at exactly one site, with
 * all its images. With one site per class (the default) each site holds one class; with fewer sites,
 * the classes present, in label order, are dealt round-robin. The seed plays no part: the split is
 * fixed by the labels.
 *
 * @param sites number of sites, or {@link #ONE_PER_CLASS}
 */
public record SiloScheme(int sites) implements PartitionScheme {

    /** One site for each class present in the dataset. */
    public static final int ONE_PER_CLASS = 0;

    public SiloScheme {
        if (sites < 0) throw new IllegalArgumentException("silo: sites must be >= 1 (or ONE_PER_CLASS), got " + sites);
    }

    public static SiloScheme onePerClass() {
        return new SiloScheme(ONE_PER_CLASS);
    }

    @Override
    public Partition split(Dataset data, long seed) {
        int[] counts = data.classCounts();
        List<Integer> present = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) if (counts[c] > 0) present.add(c);
        int n = sites == ONE_PER_CLASS ? present.size() : sites;
        if (n > present.size()) {
            throw new IllegalArgumentException("silo: " + n + " sites need at least " + n + " classes, but "
                    + data.name() + " has images of only " + present.size());
        }
        int[] siteOfClass = new int[counts.length];
        for (int j = 0; j < present.size(); j++) siteOfClass[present.get(j)] = j % n;
        List<int[]> indices = new ArrayList<>();
        int[] fill = new int[n];
        int[] sizes = new int[n];
        for (int c : present) sizes[siteOfClass[c]] += counts[c];
        for (int s = 0; s < n; s++) indices.add(new int[sizes[s]]);
        for (int i = 0; i < data.size(); i++) {
            int s = siteOfClass[data.label(i)];
            indices.get(s)[fill[s]++] = i;
        }
        return Partition.of(describe(), seed, data, indices);
    }

    @Override
    public String describe() {
        return "silo(sites=" + (sites == ONE_PER_CLASS ? "one-per-class" : Integer.toString(sites)) + ")";
    }
}
