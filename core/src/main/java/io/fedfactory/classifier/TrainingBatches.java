package io.fedfactory.classifier;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;


/**
 * Cuts a dataset into shuffled, optionally augmented mini-batches. The order of epoch {@code e} and
 * the augmentation of its batch {@code b} come from streams derived from (seed, e) and (seed, e, b),
 * so a run repeats exactly and does not depend on how many batches were drawn before.
 *
 * <p>A final batch of a single image is dropped: BatchNorm needs more than one value per channel.
 */
public final class TrainingBatches {

    private final Dataset data;
    private final int batchSize;
    private final Augmentation augmentation;
    private final long seed;
    private final int batches;

    public TrainingBatches(Dataset data, int batchSize, Augmentation augmentation, long seed) {
        if (data.size() < 2) {
            throw new IllegalArgumentException("training data " + data.name() + " has " + data.size()
                    + " images; at least 2 are needed");
        }
        if (batchSize < 2) throw new IllegalArgumentException("batchSize must be at least 2, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.augmentation = augmentation;
        this.seed = seed;
        int full = data.size() / batchSize;
        int rest = data.size() % batchSize;
        this.batches = full + (rest >= 2 ? 1 : 0);
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        return batches;
    }

    /** Images per epoch actually used (all but a dropped single last image). */
    public int imagesPerEpoch() {
        int rest = data.size() % batchSize;
        return data.size() - (rest == 1 ? 1 : 0);
    }

    /** The visiting order of epoch {@code epoch} (0-based): a seeded Fisher-Yates shuffle. */
    public int[] order(int epoch) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplitMix64 rng = SplitMix64.derived(seed, "shuffle", epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Number of images in batch {@code batch}. */
    public int size(int batch) {
        return Math.min(batchSize, data.size() - batch * batchSize);
    }

    /**
     * Copies the images of batch {@code batch} of an epoch visiting {@code order} into {@code pixels}
     * (augmented) and their labels into {@code labels}; returns the number of images.
     */
    public int fill(int[] order, int epoch, int batch, float[] pixels, int[] labels) {
        int n = size(batch);
        int px = data.spec().pixels();
        float[] src = data.pixelsView();
        SplitMix64 rng = augmentation.enabled()
                ? SplitMix64.derived(seed, "augment", epoch, batch) : null;
        for (int j = 0; j < n; j++) {
            int i = order[batch * batchSize + j];
            labels[j] = data.label(i);
            if (rng == null) {
                System.arraycopy(src, i * px, pixels, j * px, px);
            } else {
                augment(src, i * px, pixels, j * px, rng);
            }
        }
        return n;
    }

    private void augment(float[] src, int from, float[] dst, int to, SplitMix64 rng) {
        ImageSpec spec = data.spec();
        int h = spec.height();
        int w = spec.width();
        int pad = augmentation.cropPadding();
        int dy = pad > 0 ? rng.nextInt(2 * pad + 1) - pad : 0;
        int dx = pad > 0 ? rng.nextInt(2 * pad + 1) - pad : 0;
        boolean flip = augmentation.horizontalFlip() && rng.nextBoolean();
        float fill = spec.valueMin();
        for (int c = 0; c < spec.channels(); c++) {
            int plane = c * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    dst[to + plane + y * w + x] = (sy < 0 || sy >= h || sx < 0 || sx >= w)
                            ? fill : src[from + plane + sy * w + sx];
                }
            }
        }
    }
}
