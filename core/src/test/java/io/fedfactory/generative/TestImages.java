package io.fedfactory.generative;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;

import java.util.Arrays;
import java.util.List;

/** Small synthetic image sets: each class is a bright blob at its own place, jittered, on a noisy background. */
public final class TestImages {

    public static final List<String> LABELS = List.of("ring", "bar", "dot");

    private TestImages() {}

    /** {@code count} images of class {@code label} in [0, 1]. */
    public static Dataset oneClass(int label, int count, ImageSpec spec, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        float[] px = new float[count * spec.pixels()];
        int h = spec.height();
        int w = spec.width();
        for (int i = 0; i < count; i++) {
            double cy = h * (0.3 + 0.2 * label) + rng.nextGaussian();
            double cx = w * (0.7 - 0.2 * label) + rng.nextGaussian();
            double r = 2 + label + 0.5 * rng.nextDouble();
            for (int c = 0; c < spec.channels(); c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double d2 = ((y - cy) * (y - cy) + (x - cx) * (x - cx)) / (r * r);
                        double v = Math.exp(-d2) + 0.05 * rng.nextDouble();
                        px[i * spec.pixels() + (c * h + y) * w + x] = (float) Math.min(1, v);
                    }
                }
            }
        }
        float lo = spec.valueMin();
        float span = spec.valueMax() - spec.valueMin();
        for (int i = 0; i < px.length; i++) px[i] = lo + span * px[i];
        int[] labels = new int[count];
        Arrays.fill(labels, label);
        return new Dataset("synthetic-" + LABELS.get(label), spec, LABELS, px, labels);
    }

    /** Largest |a - b| over all elements. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    /**
     * Samples {@code module} at seeds derived from {@code seed} with batch 256 and with batch 7 on 2
     * threads, asserts that every bit agrees and that every value is finite and inside the spec's range.
     */
    public static void assertBatchIndependent(TrainedModule module, int count, long seed) {
        long[] seeds = ModuleSampler.seedsFor(count, seed);
        float[] big;
        float[] small;
        try (ModuleSampler s = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults().withBatchSize(256))) {
            big = s.sample(seeds);
        }
        try (ModuleSampler s = ModuleSampler.open(module.onnx(), module.manifest(), new SamplingOptions(2, 7, 7, 0))) {
            small = s.sample(seeds);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(big, small, "batch size and threads must not change any bit");
        ImageSpec spec = module.manifest().spec();
        for (float v : big) {
            org.junit.jupiter.api.Assertions.assertTrue(Float.isFinite(v) && v >= spec.valueMin() && v <= spec.valueMax(),
                    "sample value " + v);
        }
    }
}
