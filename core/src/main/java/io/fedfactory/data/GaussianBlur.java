package io.fedfactory.data;

/**
 * A separable Gaussian low-pass filter on CHW float arrays, borders clamped to the edge pixel. The
 * kernel reaches 3 sigma each side (at least one pixel) and is normalised to sum 1, so flat images
 * stay flat. Plain Java in a fixed order: the same input gives the same bits on every machine.
 *
 * <p>Used where the classifier trained on synthetic images must see real images through the same
 * smoothing: a decoder module's samples carry no detail finer than its blur, and a classifier that
 * never saw fine texture reacts to it unpredictably.
 */
public final class GaussianBlur {

    /** Largest sigma accepted, in pixels: beyond it a 28-pixel image is one grey value. */
    public static final double MAX_SIGMA = 8;
    /** The rule of a setting that names a sigma or none, as refusals state it. */
    public static final String SIGMA_OR_NONE = "0 (none) or in (0, " + MAX_SIGMA + "] pixels";

    /** Whether {@code sigma} is 0 (no filter) or a sigma this filter accepts: the rule of every input-blur setting. */
    public static boolean isSigmaOrNone(double sigma) {
        return sigma == 0 || (sigma > 0 && sigma <= MAX_SIGMA);
    }

    private final double sigma;
    private final float[] kernel;

    /** A filter of {@code sigma} pixels, in (0, {@value #MAX_SIGMA}]. */
    public GaussianBlur(double sigma) {
        if (!(sigma > 0 && sigma <= MAX_SIGMA)) {
            throw new IllegalArgumentException("blur sigma must be in (0, " + MAX_SIGMA + "] pixels, got " + sigma);
        }
        this.sigma = sigma;
        this.kernel = kernel(sigma);
    }

    public double sigma() {
        return sigma;
    }

    /** The normalised 1-D kernel, of odd length {@code 2 * radius + 1}. */
    public float[] kernel() {
        return kernel.clone();
    }

    /** The kernel's half-width: ceil(3 sigma), at least 1. */
    public int radius() {
        return kernel.length / 2;
    }

    static float[] kernel(double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] w = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            w[i + radius] = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
            sum += w[i + radius];
        }
        float[] k = new float[w.length];
        for (int i = 0; i < w.length; i++) k[i] = (float) (w[i] / sum);
        return k;
    }

    /** Blurs {@code channels} planes of {@code height x width}; returns a new array. */
    public float[] apply(float[] chw, int channels, int height, int width) {
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException("blur: " + chw.length + " values do not form " + channels + "x"
                    + height + "x" + width);
        }
        float[] out = new float[chw.length];
        blurInto(chw, 0, out, 0, new float[chw.length], channels, height, width);
        return out;
    }

    /** Blurs the image at {@code from} of {@code src} into {@code dst} at {@code to}; {@code rows} is scratch of one image. */
    private void blurInto(float[] src, int from, float[] dst, int to, float[] rows, int channels, int height, int width) {
        int r = radius();
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int row = plane + y * width;
                for (int x = 0; x < width; x++) {
                    float acc = 0;
                    for (int k = -r; k <= r; k++) {
                        int xx = Math.min(width - 1, Math.max(0, x + k));
                        acc += kernel[k + r] * src[from + row + xx];
                    }
                    rows[row + x] = acc;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float acc = 0;
                    for (int k = -r; k <= r; k++) {
                        int yy = Math.min(height - 1, Math.max(0, y + k));
                        acc += kernel[k + r] * rows[plane + yy * width + x];
                    }
                    dst[to + plane + y * width + x] = acc;
                }
            }
        }
    }

    /** Every image of {@code data} blurred; labels and spec unchanged. */
    public Dataset apply(Dataset data, String name) {
        ImageSpec spec = data.spec();
        int px = spec.pixels();
        float[] src = data.pixelsView();
        float[] pixels = new float[src.length];
        float[] rows = new float[px];
        for (int i = 0; i < data.size(); i++) {
            blurInto(src, i * px, pixels, i * px, rows, spec.channels(), spec.height(), spec.width());
        }
        return new Dataset(name, spec, data.labelNames(), pixels, data.labels());
    }
}
