package io.fedfactory.classifier;

/**
 * Seeds derived from a parent seed and a path of integers (purpose, epoch, batch...), so every random
 * stream of a run is fixed by the run's seed alone and streams for different purposes never coincide.
 */
public final class DerivedSeed {

    /** Purpose tags, so that (seed, epoch 3) for shuffling differs from (seed, epoch 3) for augmentation. */
    public static final long INIT = 0x1A17L;
    public static final long SHUFFLE = 0x5F0FL;
    public static final long AUGMENT = 0xA06EL;
    public static final long CLIENTS = 0xC11EL;
    public static final long LOCAL = 0x10CAL;

    private DerivedSeed() {
    }

    /** Mixes {@code parts} into {@code seed} one after the other with the SplitMix64 finalizer. */
    public static long of(long seed, long... parts) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix(h + 0x9E3779B97F4A7C15L + mix(p));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
