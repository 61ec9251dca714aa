package io.fedfactory.partition;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Label skew by Dirichlet proportions (Hsu et al. 2019; NIID-Bench): for every class, proportions over
 * the sites are drawn from a symmetric Dirichlet(alpha) and the class's images, shuffled, are cut in
 * those proportions. Small alpha concentrates each class on few sites (0.1 is near-pathological),
 * large alpha approaches an even split. A draw leaving any site with fewer than {@code minPerSite}
 * images is redrawn from the next derived seed, up to {@value #MAX_DRAWS} times, then the split fails.
 */
public record DirichletScheme(int sites, double alpha, int minPerSite) implements PartitionScheme {

    public static final int MAX_DRAWS = 1000;

    public DirichletScheme {
        if (sites < 1) throw new IllegalArgumentException("dirichlet: sites must be >= 1, got " + sites);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("dirichlet: alpha must be positive and finite, got " + alpha);
        }
        if (minPerSite < 1) throw new IllegalArgumentException("dirichlet: minPerSite must be >= 1, got " + minPerSite);
    }

    /** At least one image per site. */
    public DirichletScheme(int sites, double alpha) {
        this(sites, alpha, 1);
    }

    @Override
    public Partition split(Dataset data, long seed) {
        if ((long) sites * minPerSite > data.size()) {
            throw new IllegalArgumentException("dirichlet: " + sites + " sites with at least " + minPerSite
                    + " images each need " + (long) sites * minPerSite + " images, " + data.name() + " has " + data.size());
        }
        int[][] byClass = byClass(data);
        int smallest = Integer.MAX_VALUE;
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            List<List<Integer>> perSite = new ArrayList<>();
            for (int s = 0; s < sites; s++) perSite.add(new ArrayList<>());
            for (int c = 0; c < byClass.length; c++) {
                if (byClass[c].length == 0) continue;
                SplitMix64 rng = SplitMix64.derived(seed, draw, c);
                int[] idx = byClass[c].clone();
                rng.shuffle(idx);
                double[] p = DirichletSampler.symmetric(rng, alpha, sites);
                double cumulative = 0;
                int from = 0;
                for (int s = 0; s < sites; s++) {
                    cumulative += p[s];
                    int to = s == sites - 1 ? idx.length : (int) Math.min(idx.length, Math.round(cumulative * idx.length));
                    for (int i = from; i < to; i++) perSite.get(s).add(idx[i]);
                    from = Math.max(from, to);
                }
            }
            int min = perSite.stream().mapToInt(List::size).min().orElse(0);
            smallest = Math.min(smallest, min);
            if (min >= minPerSite) {
                List<int[]> indices = new ArrayList<>();
                for (List<Integer> l : perSite) indices.add(l.stream().mapToInt(Integer::intValue).toArray());
                return Partition.of(describe(), seed, data, indices);
            }
        }
        throw new IllegalArgumentException("dirichlet: " + MAX_DRAWS + " draws with alpha=" + alpha + " over " + sites
                + " sites all left a site with fewer than " + minPerSite + " images (" + data.name() + ", "
                + data.size() + " images; the best draw's smallest site had " + smallest + "); raise alpha, or lower sites or"
                + " minPerSite");
    }

    private static int[][] byClass(Dataset data) {
        int[] counts = data.classCounts();
        int[][] out = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) out[c] = new int[counts[c]];
        int[] fill = new int[counts.length];
        for (int i = 0; i < data.size(); i++) out[data.label(i)][fill[data.label(i)]++] = i;
        return out;
    }

    @Override
    public String describe() {
        return "dirichlet(sites=" + sites + ", alpha=" + alpha + ", minPerSite=" + minPerSite + ")";
    }
}
