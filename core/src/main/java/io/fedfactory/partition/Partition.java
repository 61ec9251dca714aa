package io.fedfactory.partition;

import io.fedfactory.data.Dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A split of one dataset's images over sites, with its provenance: the scheme that made it, the
 * seed, and the dataset's name and size. Every index belongs to at most one site; a scheme that
 * leaves classes unassigned says so through {@link #unassigned()}.
 */
public final class Partition {

    private final String scheme;
    private final long seed;
    private final String sourceName;
    private final int sourceSize;
    private final List<SiteShard> sites;

    Partition(String scheme, long seed, Dataset source, List<SiteShard> sites) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.seed = seed;
        this.sourceName = source.name();
        this.sourceSize = source.size();
        this.sites = List.copyOf(sites);
        boolean[] seen = new boolean[sourceSize];
        for (SiteShard s : this.sites) {
            if (s.size() == 0) {
                throw new IllegalStateException(scheme + " left " + s.siteId() + " without images");
            }
            for (int i : s.indices()) {
                if (seen[i]) throw new IllegalStateException(scheme + " gave index " + i + " to two sites");
                seen[i] = true;
            }
        }
    }

    /** Builds the partition from per-site index lists, counting classes from the source labels. */
    static Partition of(String scheme, long seed, Dataset source, List<int[]> siteIndices) {
        List<SiteShard> shards = new ArrayList<>();
        for (int s = 0; s < siteIndices.size(); s++) {
            int[] counts = new int[source.numClasses()];
            for (int i : siteIndices.get(s)) counts[source.label(i)]++;
            shards.add(new SiteShard(SiteShard.idOf(s), siteIndices.get(s), counts));
        }
        return new Partition(scheme, seed, source, shards);
    }

    /** What made this split, e.g. {@code dirichlet(sites=10, alpha=0.1)}. */
    public String scheme() { return scheme; }

    public long seed() { return seed; }

    public String sourceName() { return sourceName; }

    public int sourceSize() { return sourceSize; }

    public List<SiteShard> sites() { return sites; }

    public int siteCount() { return sites.size(); }

    public SiteShard site(int s) { return sites.get(s); }

    /** Number of source images no site holds. */
    public int unassigned() {
        return sourceSize - sites.stream().mapToInt(SiteShard::size).sum();
    }

    /** Site {@code s}'s images as a dataset named {@code <source>/<siteId>}. */
    public Dataset siteDataset(Dataset source, int s) {
        if (source.size() != sourceSize) {
            throw new IllegalArgumentException("partition of " + sourceName + " (" + sourceSize + " images) applied to "
                    + source.name() + " (" + source.size() + " images)");
        }
        SiteShard shard = sites.get(s);
        Dataset d = source.subset(source.name() + "/" + shard.siteId(), shard.indices());
        if (!Arrays.equals(d.classCounts(), shard.classCounts())) {
            throw new IllegalArgumentException("partition of " + sourceName + " applied to " + source.name()
                    + ": labels differ from the ones it was made from (" + shard.siteId() + ")");
        }
        return d;
    }

    /** Every site's dataset, in site order. */
    public List<Dataset> siteDatasets(Dataset source) {
        List<Dataset> out = new ArrayList<>();
        for (int s = 0; s < sites.size(); s++) out.add(siteDataset(source, s));
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Partition p && scheme.equals(p.scheme) && seed == p.seed && sourceName.equals(p.sourceName)
                && sourceSize == p.sourceSize && sites.equals(p.sites);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, seed, sourceName, sourceSize, sites);
    }

    @Override
    public String toString() {
        return "Partition[" + scheme + ", seed " + seed + ", " + sourceName + ", " + sites + "]";
    }
}
