package io.fedfactory.data;

/**
 * Image resizing on CHW float arrays with a triangle (bilinear) filter whose support widens when
 * shrinking (Pillow's definition of BILINEAR): shrinking blends every source pixel instead of
 * sampling a few and aliasing. Done in plain Java rather than Java2D so that results do not depend
 * on colour management or rendering hints, and are bit-identical across machines.
 */
public final class Resampling {

    private Resampling() {}

    /** Resizes {@code channels} planes of {@code height x width} to {@code newHeight x newWidth}. */
    public static float[] resize(float[] chw, int channels, int height, int width, int newHeight, int newWidth) {
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException("resize: " + chw.length + " values do not form " + channels + "x"
                    + height + "x" + width);
        }
        if (newHeight < 1 || newWidth < 1) {
            throw new IllegalArgumentException("resize: target " + newHeight + "x" + newWidth + " must be at least 1x1");
        }
        if (newHeight == height && newWidth == width) return chw.clone();
        Filter across = new Filter(width, newWidth);
        Filter down = new Filter(height, newHeight);
        float[] out = new float[channels * newHeight * newWidth];
        double[] rows = new double[height * newWidth];
        for (int c = 0; c < channels; c++) {
            int src = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < newWidth; x++) {
                    rows[y * newWidth + x] = across.apply(chw, src + y * width, 1, x);
                }
            }
            int dst = c * newHeight * newWidth;
            for (int y = 0; y < newHeight; y++) {
                for (int x = 0; x < newWidth; x++) {
                    out[dst + y * newWidth + x] = (float) down.apply(rows, x, newWidth, y);
                }
            }
        }
        return out;
    }

    /** Normalised filter weights for every output position along one axis. */
    private static final class Filter {
        final int[] first;
        final double[][] weights;

        Filter(int in, int out) {
            double scale = (double) in / out;
            double stretch = Math.max(scale, 1.0);
            first = new int[out];
            weights = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - stretch));
                int hi = Math.min(in, (int) Math.ceil(center + stretch));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int j = lo; j < hi; j++) {
                    double t = Math.abs((j + 0.5 - center) / stretch);
                    w[j - lo] = Math.max(0, 1 - t);
                    sum += w[j - lo];
                }
                for (int k = 0; k < w.length; k++) w[k] /= sum;
                first[i] = lo;
                weights[i] = w;
            }
        }

        double apply(float[] src, int base, int stride, int i) {
            double acc = 0;
            double[] w = weights[i];
            for (int k = 0; k < w.length; k++) acc += w[k] * src[base + (first[i] + k) * stride];
            return acc;
        }

        double apply(double[] src, int base, int stride, int i) {
            double acc = 0;
            double[] w = weights[i];
            for (int k = 0; k < w.length; k++) acc += w[k] * src[base + (first[i] + k) * stride];
            return acc;
        }
    }
}
