package io.fedfactory.generative.diffusion;

import io.fedfactory.data.ImageSpec;

/**
 * The linear map between an image spec's value range and the [-1, 1] range diffusion modules work
 * in (where EDM's sigma_data = 0.5 and sigma_max = 80 make sense whatever the spec's range).
 */
public final class ModelSpace {

    private ModelSpace() {}

    /** Image values to [-1, 1]. */
    public static float[] fromImage(float[] pixels, ImageSpec spec) {
        double scale = 2.0 / ((double) spec.valueMax() - spec.valueMin());
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) out[i] = (float) ((pixels[i] - (double) spec.valueMin()) * scale - 1);
        return out;
    }

    /** [-1, 1] values back to the image range, clipped into it. */
    public static float[] toImage(float[] model, ImageSpec spec) {
        double half = ((double) spec.valueMax() - spec.valueMin()) / 2;
        float[] out = new float[model.length];
        for (int i = 0; i < model.length; i++) {
            float v = (float) ((model[i] + 1.0) * half + spec.valueMin());
            out[i] = Math.min(spec.valueMax(), Math.max(spec.valueMin(), v));
        }
        return out;
    }
}
