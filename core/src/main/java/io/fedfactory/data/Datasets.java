package io.fedfactory.data;

import java.util.Arrays;
import java.util.List;

/** Operations that build one dataset from others. Label spaces are kept, never renumbered. */
public final class Datasets {

    private Datasets() {}

    /** The images of {@code parts} in order; every part must share the first one's spec and label names. */
    public static Dataset concat(String name, List<Dataset> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("concat " + name + ": no datasets given");
        Dataset first = parts.get(0);
        long total = 0;
        for (Dataset d : parts) {
            if (!d.spec().equals(first.spec())) {
                throw new IllegalArgumentException("concat " + name + ": " + d.name() + " has spec " + d.spec() + " but "
                        + first.name() + " has " + first.spec());
            }
            if (!d.labelNames().equals(first.labelNames())) {
                throw new IllegalArgumentException("concat " + name + ": " + d.name() + " has labels " + d.labelNames()
                        + " but " + first.name() + " has " + first.labelNames());
            }
            total += d.size();
        }
        int px = first.spec().pixels();
        if (total * px > IdxFormat.MAX_ARRAY) {
            throw new IllegalArgumentException("concat " + name + ": " + total + " images exceed the limit of "
                    + IdxFormat.MAX_ARRAY + " values in one dataset");
        }
        float[] pixels = new float[(int) total * px];
        int[] labels = new int[(int) total];
        int at = 0;
        for (Dataset d : parts) {
            System.arraycopy(d.pixelsView(), 0, pixels, at * px, d.size() * px);
            for (int i = 0; i < d.size(); i++) labels[at + i] = d.label(i);
            at += d.size();
        }
        return new Dataset(name, first.spec(), first.labelNames(), pixels, labels);
    }

    /** The images whose label is one of {@code classes}, in their original order; labels keep their meaning. */
    public static Dataset filterClasses(Dataset data, String name, int... classes) {
        boolean[] keep = classMask(data, classes);
        return data.subset(name, indicesWhere(data, keep, Integer.MAX_VALUE));
    }

    /** The first {@code perClass} images of every class (fewer where a class has fewer), in original order. */
    public static Dataset firstPerClass(Dataset data, String name, int perClass) {
        if (perClass < 1) throw new IllegalArgumentException("firstPerClass: perClass must be >= 1, got " + perClass);
        boolean[] all = new boolean[data.numClasses()];
        Arrays.fill(all, true);
        return data.subset(name, indicesWhere(data, all, perClass));
    }

    /** The indices of class {@code c}, ascending. */
    public static int[] indicesOfClass(Dataset data, int c) {
        if (c < 0 || c >= data.numClasses()) {
            throw new IllegalArgumentException("class " + c + " is outside [0, " + data.numClasses() + ") of " + data.name());
        }
        boolean[] keep = new boolean[data.numClasses()];
        keep[c] = true;
        return indicesWhere(data, keep, Integer.MAX_VALUE);
    }

    /** Every image resized to {@code height x width} (see {@link Resampling}). */
    public static Dataset resize(Dataset data, String name, int height, int width) {
        ImageSpec from = data.spec();
        ImageSpec to = new ImageSpec(from.channels(), height, width, from.valueMin(), from.valueMax());
        float[] pixels = new float[data.size() * to.pixels()];
        float[] src = data.pixelsView();
        for (int i = 0; i < data.size(); i++) {
            float[] img = Arrays.copyOfRange(src, i * from.pixels(), (i + 1) * from.pixels());
            float[] out = Resampling.resize(img, from.channels(), from.height(), from.width(), height, width);
            System.arraycopy(out, 0, pixels, i * to.pixels(), to.pixels());
        }
        return new Dataset(name, to, data.labelNames(), pixels, data.labels());
    }

    private static boolean[] classMask(Dataset data, int[] classes) {
        if (classes.length == 0) throw new IllegalArgumentException("filterClasses " + data.name() + ": no classes given");
        boolean[] keep = new boolean[data.numClasses()];
        for (int c : classes) {
            if (c < 0 || c >= data.numClasses()) {
                throw new IllegalArgumentException("filterClasses " + data.name() + ": class " + c + " is outside [0, "
                        + data.numClasses() + ")");
            }
            keep[c] = true;
        }
        return keep;
    }

    private static int[] indicesWhere(Dataset data, boolean[] keep, int perClassLimit) {
        int[] taken = new int[data.numClasses()];
        int[] out = new int[data.size()];
        int n = 0;
        for (int i = 0; i < data.size(); i++) {
            int l = data.label(i);
            if (keep[l] && taken[l] < perClassLimit) {
                taken[l]++;
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
