package io.fedfactory.data.site;

import io.fedfactory.data.SizePolicy;

/**
 * How a site's data is read: its format, what happens to images of another size, the fewest training
 * images a class needs for a module, and the held-out part taken when the data has no test split.
 *
 * @param format             how the data is stored
 * @param sizes              refuse (default) or resize images whose size differs from the federation's
 * @param minImagesPerClass  classes with fewer training images are skipped before any training
 * @param holdoutFraction    fraction of each class held out for testing when there is no test split, in [0, 0.9]
 * @param seed               seed of the held-out draw
 */
public record DataOptions(SiteData.Format format, SizePolicy sizes, int minImagesPerClass, double holdoutFraction, long seed) {

    /** Below this a decoder cannot fit its latent prior (it needs two images), whatever the option says. */
    public static final int LOWEST_MINIMUM = 2;

    public DataOptions {
        if (minImagesPerClass < LOWEST_MINIMUM) {
            throw new IllegalArgumentException("--min-images-per-class must be >= " + LOWEST_MINIMUM + ", got " + minImagesPerClass);
        }
        if (!(holdoutFraction >= 0 && holdoutFraction <= 0.9)) {
            throw new IllegalArgumentException("--holdout must be in [0, 0.9], got " + holdoutFraction);
        }
    }
}
