package io.fedfactory.bench.baseline;

import io.fedfactory.data.Dataset;

import java.util.List;

/** Checks on a federation's site datasets, and their pooling. */
public final class Sites {

    private Sites() {
    }

    /** Fails naming the first site whose image spec or label names differ from the first site's. */
    public static void requireSameTask(List<Dataset> sites) {
        if (sites == null || sites.isEmpty()) throw new IllegalArgumentException("sites: at least one site dataset is needed");
        Dataset first = sites.get(0);
        for (int i = 1; i < sites.size(); i++) {
            Dataset s = sites.get(i);
            if (!s.spec().equals(first.spec())) {
                throw new IllegalArgumentException("site " + i + " (" + s.name() + ") has images " + s.spec() + ", site 0 ("
                        + first.name() + ") has " + first.spec());
            }
            if (!s.labelNames().equals(first.labelNames())) {
                throw new IllegalArgumentException("site " + i + " (" + s.name() + ") has labels " + s.labelNames()
                        + ", site 0 (" + first.name() + ") has " + first.labelNames());
            }
        }
    }

    /** All sites' images in one dataset, site after site in list order. */
    public static Dataset pool(List<Dataset> sites) {
        requireSameTask(sites);
        long total = 0;
        for (Dataset s : sites) total += s.size();
        int px = sites.get(0).spec().pixels();
        if (total * px > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("sites: " + total + " pooled images exceed the largest dataset a single "
                    + "array can hold (" + (Integer.MAX_VALUE - 8) / px + " images of " + sites.get(0).spec() + ")");
        }
        float[] pixels = new float[(int) (total * px)];
        int[] labels = new int[(int) total];
        StringBuilder name = new StringBuilder("pooled(");
        int at = 0;
        for (int i = 0; i < sites.size(); i++) {
            Dataset s = sites.get(i);
            System.arraycopy(s.pixelsView(), 0, pixels, at * px, s.size() * px);
            System.arraycopy(s.labels(), 0, labels, at, s.size());
            at += s.size();
            name.append(i == 0 ? "" : "+").append(s.name());
        }
        return new Dataset(name.append(')').toString(), sites.get(0).spec(), sites.get(0).labelNames(), pixels, labels);
    }
}
