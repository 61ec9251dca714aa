package io.fedfactory.inference.prediction;

/**
 * One image as a request carries it, before it is checked against the model's image spec. Each
 * carries the names its fields have on the wire it came from, so refusals name them as the caller
 * wrote them ("image.tensor.values[3]" over gRPC, "tensor[3]" over REST).
 */
public sealed interface ImageInput {

    /** Raw float32 pixels, channel-first, with the shape the caller claims ([C, H, W]). */
    record Tensor(float[] values, long[] shape, String valuesField, String shapeField) implements ImageInput {
    }

    /** An encoded PNG file. */
    record Png(byte[] bytes, String field) implements ImageInput {
    }
}
