package io.fedfactory.partition;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * One site's share of a dataset: its id, the indices of its images in the source dataset (ascending)
 * and how many images of each class it holds.
 */
public final class SiteShard {

    private final String siteId;
    private final int[] indices;
    private final int[] classCounts;

    SiteShard(String siteId, int[] indices, int[] classCounts) {
        this.siteId = Objects.requireNonNull(siteId, "siteId");
        this.indices = indices.clone();
        Arrays.sort(this.indices);
        this.classCounts = classCounts.clone();
    }

    /** "site-00", "site-01", ...: ids sort in site order. */
    static String idOf(int site) {
        return String.format("site-%02d", site);
    }

    public String siteId() { return siteId; }

    /** Indices into the source dataset, ascending. */
    public int[] indices() { return indices.clone(); }

    public int size() { return indices.length; }

    /** Images per class, indexed by label over the source's whole label space. */
    public int[] classCounts() { return classCounts.clone(); }

    /** The labels this site holds at least one image of, ascending. */
    public int[] classes() {
        return IntStream.range(0, classCounts.length).filter(c -> classCounts[c] > 0).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiteShard s && siteId.equals(s.siteId) && Arrays.equals(indices, s.indices)
                && Arrays.equals(classCounts, s.classCounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(siteId, Arrays.hashCode(indices), Arrays.hashCode(classCounts));
    }

    @Override
    public String toString() {
        return siteId + "[" + indices.length + " images, classes " + Arrays.toString(classes()) + "]";
    }
}
