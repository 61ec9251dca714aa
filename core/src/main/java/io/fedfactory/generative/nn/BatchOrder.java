package io.fedfactory.generative.nn;

import io.fedfactory.determinism.SplitMix64;

/**
 * Which examples each training step sees: epoch after epoch, each a fresh seeded permutation, cut
 * into batches that run across epoch boundaries so every batch is full.
 */
public final class BatchOrder {

    private final int size;
    private final SplitMix64 rng;
    private int[] permutation;
    private int position;

    public BatchOrder(int datasetSize, long seed) {
        if (datasetSize < 1) throw new IllegalArgumentException("dataset must hold at least 1 example, got " + datasetSize);
        this.size = datasetSize;
        this.rng = new SplitMix64(seed);
        this.permutation = rng.permutation(size);
    }

    /** Indices of the next {@code batch} examples. */
    public int[] next(int batch) {
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            if (position == size) {
                permutation = rng.permutation(size);
                position = 0;
            }
            out[i] = permutation[position++];
        }
        return out;
    }
}
