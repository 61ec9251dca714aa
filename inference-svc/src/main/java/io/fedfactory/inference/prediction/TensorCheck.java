package io.fedfactory.inference.prediction;

import io.fedfactory.proto.v1.ImageSpec;

import java.util.Arrays;

/** Checks a raw tensor against the served model's image spec: shape, then every value finite and in range. */
final class TensorCheck {

    private TensorCheck() {}

    /** Returns the values when they fit; refusals name the fields as the caller's wire names them. */
    static float[] check(float[] values, long[] shape, ImageSpec spec, String valuesField, String shapeField) {
        long[] expected = {spec.getChannels(), spec.getHeight(), spec.getWidth()};
        if (!Arrays.equals(shape, expected)) {
            throw PredictionException.overLimit(shapeField, "SHAPE", Arrays.toString(expected), "must be "
                    + Arrays.toString(expected) + " ([C, H, W] of the model's image spec), got " + Arrays.toString(shape));
        }
        int size = spec.getChannels() * spec.getHeight() * spec.getWidth();
        if (values.length != size) {
            throw PredictionException.overLimit(valuesField, "VALUE_COUNT", String.valueOf(size), "has " + values.length
                    + " values, shape " + Arrays.toString(expected) + " needs " + size);
        }
        float min = spec.getValueMin();
        float max = spec.getValueMax();
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (Float.isNaN(v)) {
                throw PredictionException.overLimit(valuesField + "[" + i + "]", "NOT_FINITE", "finite", "is NaN; values must be finite");
            }
            if (Float.isInfinite(v)) {
                throw PredictionException.overLimit(valuesField + "[" + i + "]", "NOT_FINITE", "finite", "is " + v
                        + "; values must be finite");
            }
            if (v < min || v > max) {
                throw PredictionException.overLimit(valuesField + "[" + i + "]", "VALUE_RANGE", "[" + min + ", " + max + "]",
                        "is " + v + ", outside the image spec's value range [" + min + ", " + max + "]");
            }
        }
        return values;
    }
}
