package io.fedfactory.classifier;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/** Small image sets for tests: seeded synthetic patterns and the first images of Fashion-MNIST. */
public final class TestImages {

    public static final List<String> FASHION_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private TestImages() {
    }

    /**
     * {@code perClass} images of each of {@code classes} classes: class k is a bright bar at a
     * class-specific angle over uniform noise, in the spec's range; labels interleave (0, 1, ..., 0, 1...).
     */
    public static Dataset patterns(String name, ImageSpec spec, int classes, int perClass, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = classes * perClass;
        int px = spec.pixels();
        float[] pixels = new float[n * px];
        int[] labels = new int[n];
        float lo = spec.valueMin();
        float span = spec.valueMax() - spec.valueMin();
        int h = spec.height();
        int w = spec.width();
        for (int i = 0; i < n; i++) {
            int k = i % classes;
            labels[i] = k;
            double angle = Math.PI * k / classes;
            double cx = (w - 1) / 2.0 + rng.nextDouble(-2, 2);
            double cy = (h - 1) / 2.0 + rng.nextDouble(-2, 2);
            for (int c = 0; c < spec.channels(); c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double dist = Math.abs(-(x - cx) * Math.sin(angle) + (y - cy) * Math.cos(angle));
                        double v = 0.35 * rng.nextDouble() + (dist < 1.6 ? 0.6 : 0.0);
                        pixels[i * px + c * h * w + y * w + x] = lo + (float) Math.min(1.0, v) * span;
                    }
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) names.add("class" + k);
        return new Dataset(name, spec, names, pixels, labels);
    }

    /** The first {@code count} images of the Fashion-MNIST test split (1x28x28 in [0, 1]). */
    public static Dataset fashionMnist(int count) {
        try (DataInputStream images = open("datasets/fashionmnist/t10k-images-idx3-ubyte.gz");
             DataInputStream labels = open("datasets/fashionmnist/t10k-labels-idx1-ubyte.gz")) {
            if (images.readInt() != 0x803 || labels.readInt() != 0x801) throw new IOException("bad IDX magic");
            int n = Math.min(count, images.readInt());
            labels.readInt();
            int rows = images.readInt();
            int cols = images.readInt();
            byte[] raw = new byte[n * rows * cols];
            images.readFully(raw);
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) pixels[i] = (raw[i] & 0xFF) / 255f;
            byte[] rawLabels = new byte[n];
            labels.readFully(rawLabels);
            int[] lb = new int[n];
            for (int i = 0; i < n; i++) lb[i] = rawLabels[i];
            return new Dataset("fashion-mnist-test-head", ImageSpec.unitRange(1, rows, cols), FASHION_LABELS, pixels, lb);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Fashion-MNIST from the test class path", e);
        }
    }

    private static DataInputStream open(String resource) throws IOException {
        InputStream in = TestImages.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) throw new IOException("resource " + resource + " not found");
        return new DataInputStream(new GZIPInputStream(in, 1 << 16));
    }

    /** Fraction of rows whose largest probability is at the true label. */
    public static double accuracy(float[][] probabilities, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int k = 1; k < probabilities[i].length; k++) if (probabilities[i][k] > probabilities[i][best]) best = k;
            if (best == labels[i]) correct++;
        }
        return (double) correct / labels.length;
    }

    /** A recipe small enough for unit tests. */
    public static ClassifierRecipe tinyRecipe() {
        return new ClassifierRecipe(4, List.of(1, 1), 2, 32, 0.1f, 0.9f, 1e-4f, LearningRateSchedule.COSINE,
                Augmentation.none(), 7L, 2);
    }
}
