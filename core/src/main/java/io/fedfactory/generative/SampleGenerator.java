package io.fedfactory.generative;

import io.fedfactory.data.ImageSpec;

/**
 * Turns per-sample seeds into images: sample i is a pure function of {@code seeds[i]}, whatever the
 * other seeds and however the work is batched.
 */
public interface SampleGenerator {

    /** The images made. */
    ImageSpec spec();

    /** One image per seed, flat CHW, in the spec's value range. */
    float[] generate(long[] seeds);
}
