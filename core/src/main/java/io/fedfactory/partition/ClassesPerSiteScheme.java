package io.fedfactory.partition;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Every site holds exactly {@code classesPerSite} classes. Classes (those with images, in a seeded
 * order) are dealt to sites in turn; while {@code sites * classesPerSite} does not exceed the number
 * of classes the sites' label sets are disjoint, and classes left over are assigned to no site
 * (see {@link Partition#unassigned()}). Beyond that, classes are shared as evenly as the counts
 * allow, and a shared class's images are split evenly, at random, among its sites.
 */
public record ClassesPerSiteScheme(int sites, int classesPerSite) implements PartitionScheme {

    public ClassesPerSiteScheme {
        if (sites < 1) throw new IllegalArgumentException("classes-per-site: sites must be >= 1, got " + sites);
        if (classesPerSite < 1) {
            throw new IllegalArgumentException("classes-per-site: classesPerSite must be >= 1, got " + classesPerSite);
        }
    }

    @Override
    public Partition split(Dataset data, long seed) {
        int[] counts = data.classCounts();
        int[] present = IntStream.range(0, counts.length).filter(c -> counts[c] > 0).toArray();
        if (classesPerSite > present.length) {
            throw new IllegalArgumentException("classes-per-site: " + classesPerSite + " classes per site, but "
                    + data.name() + " has images of only " + present.length + " classes");
        }
        int[] order = present.clone();
        SplitMix64.derived(seed, 0).shuffle(order);

        // Slot j of site s is global slot s*k + j; consecutive slots hold distinct classes since k <= C.
        List<List<Integer>> holders = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) holders.add(new ArrayList<>());
        for (int s = 0; s < sites; s++) {
            for (int j = 0; j < classesPerSite; j++) holders.get(order[(s * classesPerSite + j) % order.length]).add(s);
        }

        List<List<Integer>> perSite = new ArrayList<>();
        for (int s = 0; s < sites; s++) perSite.add(new ArrayList<>());
        for (int c : present) {
            List<Integer> h = holders.get(c);
            if (h.isEmpty()) continue;
            if (counts[c] < h.size()) {
                throw new IllegalArgumentException("classes-per-site: class " + c + " (" + data.labelNames().get(c)
                        + ") has " + counts[c] + " images for " + h.size() + " sites that should hold it");
            }
            int[] idx = indicesOf(data, c, counts[c]);
            SplitMix64.derived(seed, 1, c).shuffle(idx);
            for (int k = 0; k < h.size(); k++) {
                int from = (int) ((long) idx.length * k / h.size());
                int to = (int) ((long) idx.length * (k + 1) / h.size());
                for (int i = from; i < to; i++) perSite.get(h.get(k)).add(idx[i]);
            }
        }
        List<int[]> indices = new ArrayList<>();
        for (List<Integer> l : perSite) indices.add(l.stream().mapToInt(Integer::intValue).toArray());
        return Partition.of(describe(), seed, data, indices);
    }

    private static int[] indicesOf(Dataset data, int c, int count) {
        int[] out = new int[count];
        int n = 0;
        for (int i = 0; i < data.size(); i++) if (data.label(i) == c) out[n++] = i;
        return Arrays.copyOf(out, n);
    }

    @Override
    public String describe() {
        return "classes-per-site(sites=" + sites + ", k=" + classesPerSite + ")";
    }
}
