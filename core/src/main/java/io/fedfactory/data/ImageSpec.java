package io.fedfactory.data;

/**
 * Shape and value range of the images a federation works with. Pixels are float32, laid out
 * channel-first (CHW), and every pixel lies in [{@code valueMin}, {@code valueMax}].
 */
public record ImageSpec(int channels, int height, int width, float valueMin, float valueMax) {

    /** Largest side accepted: keeps a bad header from allocating gigabytes. */
    public static final int MAX_SIDE = 1024;

    public ImageSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image spec: channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || height > MAX_SIDE) {
            throw new IllegalArgumentException("image spec: height must be in [1, " + MAX_SIDE + "], got " + height);
        }
        if (width < 1 || width > MAX_SIDE) {
            throw new IllegalArgumentException("image spec: width must be in [1, " + MAX_SIDE + "], got " + width);
        }
        if (!Float.isFinite(valueMin) || !Float.isFinite(valueMax) || !(valueMin < valueMax)) {
            throw new IllegalArgumentException(
                    "image spec: value range must be finite with min < max, got [" + valueMin + ", " + valueMax + "]");
        }
    }

    /** A spec with the conventional [0, 1] value range. */
    public static ImageSpec unitRange(int channels, int height, int width) {
        return new ImageSpec(channels, height, width, 0f, 1f);
    }

    /** Number of floats in one image. */
    public int pixels() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + " in [" + valueMin + ", " + valueMax + "]";
    }
}
