package io.fedfactory.inference.batching;

/** One model call on a batch: {@code n} images packed back to back in, one output row per image out. */
@FunctionalInterface
public interface BatchRunner {

    /**
     * @param pixels {@code n * imageSize} values, image after image; only the first {@code n * imageSize}
     *               positions are meaningful
     * @param n      number of images
     * @return exactly {@code n} rows, row i for image i
     */
    float[][] run(float[] pixels, int n) throws Exception;
}
