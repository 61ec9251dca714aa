package io.fedfactory.privacy;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.imaging.SampleGrid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The memorization audit a site runs on a module before it leaves: draws samples from the module,
 * measures each sample's distance to the nearest training image and to the nearest held-out image
 * (images the module never saw), in pixel space and in a PCA space fitted on the training images,
 * and compares them with the held-out images' own distances to the training images. See
 * {@link SpaceReport} for the figures and {@link MemorizationThresholds} for the verdict.
 *
 * <p>Works from a module's sampler alone ({@link Samples}), so every module kind is audited the
 * same way. Pixels are scaled to [0, 1] before any distance is taken.
 *
 * @param samples      samples to draw, 1..100,000
 * @param pcaComponents principal components of the feature space, 1..256
 * @param thresholds   when to flag
 * @param seed         seed of the samples and of the training subset
 */
public record MemorizationAudit(int samples, int pcaComponents, MemorizationThresholds thresholds, long seed) {

    /** Draws {@code n} images (flat CHW, in the spec's range) from a module, deterministically from {@code seed}. */
    @FunctionalInterface
    public interface Samples {
        float[] sample(int n, long seed);
    }

    /** Pairs shown in the review image. */
    public static final int REVIEW_PAIRS = 16;

    public MemorizationAudit {
        if (samples < 1 || samples > 100_000) {
            throw new IllegalArgumentException("audit samples must be in [1, 100000], got " + samples);
        }
        if (pcaComponents < 1 || pcaComponents > 256) {
            throw new IllegalArgumentException("audit pcaComponents must be in [1, 256], got " + pcaComponents);
        }
        Objects.requireNonNull(thresholds, "thresholds");
    }

    /** 500 samples, 32 components, the default thresholds. */
    public static MemorizationAudit defaults(long seed) {
        return new MemorizationAudit(500, 32, MemorizationThresholds.DEFAULTS, seed);
    }

    /** The same audit drawing {@code n} samples. */
    public MemorizationAudit withSamples(int n) {
        return new MemorizationAudit(n, pcaComponents, thresholds, seed);
    }

    /** The report, and the closest sample/training pairs for the site's own review. */
    public record Result(MemorizationReport report, ImageSpec spec, List<float[]> closestSamples,
                         List<float[]> theirTrainingImages) {

        /** Writes the closest pairs as a PNG: samples on the top row, their nearest training images below. */
        public void writeClosestPairs(Path file) throws IOException {
            new SampleGrid(spec, List.of("sample", "nearest training image"), List.of(closestSamples, theirTrainingImages),
                    3).writePng(file);
        }
    }

    /**
     * Audits {@code module} against the site's {@code training} images (those the module was
     * trained on) and {@code heldOut} images (never used for training), both flat CHW in {@code spec}.
     */
    public Result run(Samples module, float[] training, float[] heldOut, ImageSpec spec) {
        long started = System.nanoTime();
        int dim = spec.pixels();
        int nTrain = training.length / dim;
        int nHeld = heldOut.length / dim;
        if (nTrain < 2 || nHeld < 1) {
            throw new IllegalArgumentException("audit needs at least 2 training and 1 held-out image, got " + nTrain
                    + " and " + nHeld);
        }
        long sampleSeed = SplitMix64.derive(seed, "audit-samples");
        float[] generated = module.sample(samples, sampleSeed);
        if (generated.length != samples * dim) {
            throw new IllegalArgumentException("module gave " + generated.length + " values for " + samples
                    + " samples of " + dim);
        }
        float[] t = unit(training, spec);
        float[] h = unit(heldOut, spec);
        float[] g = unit(generated, spec);
        // Training subset of the held-out size, for the nearer-training share (equal-size reference sets).
        int[] subset = Arrays.copyOf(SplitMix64.derived(seed, "audit-subset").permutation(nTrain),
                Math.min(nHeld, nTrain));
        float[] tSub = rows(t, subset, dim);

        NearestNeighbours gToT = NearestNeighbours.of(g, t, dim);
        SpaceReport pixel = space(gToT, g, t, h, tSub, dim);
        PcaFeatures pca = PcaFeatures.fit(t, dim, pcaComponents);
        float[] tf = pca.project(t);
        float[] gf = pca.project(g);
        SpaceReport feature = space(NearestNeighbours.of(gf, tf, pca.components()), gf, tf, pca.project(h),
                pca.project(tSub), pca.components());

        List<String> reasons = thresholds.violations(pixel.copyRate(), feature.copyRate(), pixel.nearerTrainingShare(),
                feature.nearerTrainingShare());
        Integer[] closest = IntStream.range(0, samples).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> gToT.distance()[i]).thenComparingInt(i -> i))
                .limit(REVIEW_PAIRS).toArray(Integer[]::new);
        List<float[]> shownSamples = new ArrayList<>();
        List<float[]> shownTraining = new ArrayList<>();
        for (int i : closest) {
            shownSamples.add(Arrays.copyOfRange(generated, i * dim, (i + 1) * dim));
            int j = gToT.index()[i];
            shownTraining.add(Arrays.copyOfRange(training, j * dim, (j + 1) * dim));
        }
        MemorizationReport report = new MemorizationReport(samples, nTrain, nHeld, sampleSeed, pixel, feature,
                "pca-" + pca.components() + "(site-training-images)", thresholds, !reasons.isEmpty(), reasons,
                (System.nanoTime() - started) / 1e9);
        return new Result(report, spec, shownSamples, shownTraining);
    }

    private static SpaceReport space(NearestNeighbours gToT, float[] g, float[] t, float[] h, float[] tSub, int dim) {
        double[] toTraining = gToT.distance();
        double[] toHeldOut = NearestNeighbours.of(g, h, dim).distance();
        double[] heldToTraining = NearestNeighbours.of(h, t, dim).distance();
        double[] sorted = heldToTraining.clone();
        Arrays.sort(sorted);
        double threshold = DistanceStatistics.percentile(sorted, 1);
        double[] toSubset = NearestNeighbours.of(g, tSub, dim).distance();
        int copies = 0;
        int nearer = 0;
        for (int i = 0; i < toTraining.length; i++) {
            if (toTraining[i] < threshold) copies++;
            if (toSubset[i] < toHeldOut[i]) nearer++;
        }
        return new SpaceReport(DistanceStatistics.of(toTraining), DistanceStatistics.of(toHeldOut),
                DistanceStatistics.of(heldToTraining), threshold, (double) copies / toTraining.length,
                (double) nearer / toTraining.length, ThreeSampleStatistic.of(toTraining, heldToTraining));
    }

    /** Pixels scaled from the spec's range to [0, 1]. */
    static float[] unit(float[] pixels, ImageSpec spec) {
        float lo = spec.valueMin();
        float scale = 1f / (spec.valueMax() - spec.valueMin());
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) out[i] = (pixels[i] - lo) * scale;
        return out;
    }

    private static float[] rows(float[] data, int[] indices, int dim) {
        float[] out = new float[indices.length * dim];
        for (int i = 0; i < indices.length; i++) System.arraycopy(data, indices[i] * dim, out, i * dim, dim);
        return out;
    }
}
