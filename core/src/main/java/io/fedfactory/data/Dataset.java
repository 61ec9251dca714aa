package io.fedfactory.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable set of labelled images. Pixels are one flat float array, image after image, each
 * image laid out as {@link ImageSpec} says (CHW, values within the spec's range); labels index
 * {@link #labelNames()}.
 *
 * <p>Arrays handed in are copied; accessors that return arrays return copies, except
 * {@link #pixelsView()} which exists for hot loops and must not be written to.
 */
public final class Dataset {

    private final String name;
    private final ImageSpec spec;
    private final List<String> labelNames;
    private final float[] pixels;
    private final int[] labels;

    public Dataset(String name, ImageSpec spec, List<String> labelNames, float[] pixels, int[] labels) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.labelNames = List.copyOf(labelNames);
        if (this.labelNames.isEmpty()) {
            throw new IllegalArgumentException("dataset " + name + ": labelNames must not be empty");
        }
        if ((long) labels.length * spec.pixels() != pixels.length) {
            throw new IllegalArgumentException("dataset " + name + ": " + labels.length + " labels need "
                    + (long) labels.length * spec.pixels() + " pixels for spec " + spec + ", got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.labelNames.size()) {
                throw new IllegalArgumentException("dataset " + name + ": label[" + i + "] = " + labels[i]
                        + " is outside [0, " + this.labelNames.size() + ")");
            }
        }
        this.pixels = pixels.clone();
        this.labels = labels.clone();
    }

    public String name() { return name; }

    public ImageSpec spec() { return spec; }

    public List<String> labelNames() { return labelNames; }

    public int numClasses() { return labelNames.size(); }

    public int size() { return labels.length; }

    public int label(int i) { return labels[i]; }

    public int[] labels() { return labels.clone(); }

    /** The backing pixel array; read only. */
    public float[] pixelsView() { return pixels; }

    /** A copy of image {@code i}'s pixels. */
    public float[] image(int i) {
        int n = spec.pixels();
        return Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
    }

    /** The images at {@code indices}, in that order, as a new dataset with the same spec and labels. */
    public Dataset subset(String subsetName, int[] indices) {
        int n = spec.pixels();
        float[] px = new float[indices.length * n];
        int[] lb = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            System.arraycopy(pixels, i * n, px, j * n, n);
            lb[j] = labels[i];
        }
        return new Dataset(subsetName, spec, labelNames, px, lb);
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int l : labels) counts[l]++;
        return counts;
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + size() + " images, " + spec + ", " + numClasses() + " classes]";
    }
}
