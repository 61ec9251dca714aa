package io.fedfactory.inference.batching;

import java.nio.FloatBuffer;

/** One model call on a batch: {@code n} images packed back to back in, one output row per image out. */
@FunctionalInterface
public interface BatchRunner {

    /**
     * @param pixels {@code n * imageSize} values from position 0, image after image (a direct buffer when
     *               the batcher calls); only the first {@code n * imageSize} positions are meaningful; the
     *               call must not keep it
     * @param n      number of images
     * @return exactly {@code n} rows, row i for image i
     */
    float[][] run(FloatBuffer pixels, int n) throws Exception;
}
