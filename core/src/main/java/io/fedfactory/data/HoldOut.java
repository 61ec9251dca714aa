package io.fedfactory.data;

import io.fedfactory.determinism.SplitMix64;

import java.util.Arrays;

/**
 * A seeded split of a site's images into those a module is trained on and those held out from it,
 * which the memorization audit uses as the reference of "images the module never saw". Both index
 * arrays are ascending.
 */
public record HoldOut(int[] training, int[] heldOut) {

    /** Held-out fraction used when none is given: a tenth of the images. */
    public static final double DEFAULT_FRACTION = 0.1;

    public HoldOut {
        training = training.clone();
        heldOut = heldOut.clone();
    }

    /**
     * Holds out {@code round(n * fraction)} of {@code n} images (at least 1, at most n - 1), chosen by
     * a permutation seeded with {@code seed}.
     */
    public static HoldOut split(int n, double fraction, long seed) {
        if (n < 2) throw new IllegalArgumentException("a hold-out needs at least 2 images, got " + n);
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("hold-out fraction must be in (0, 1), got " + fraction);
        }
        int held = (int) Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
        int[] permutation = new SplitMix64(seed).permutation(n);
        int[] heldOut = Arrays.copyOfRange(permutation, 0, held);
        int[] training = Arrays.copyOfRange(permutation, held, n);
        Arrays.sort(heldOut);
        Arrays.sort(training);
        return new HoldOut(training, heldOut);
    }
}
