package io.fedfactory.data;

/** Conversions between stored 8-bit pixels and the float range images are handled in. */
final class Pixels {

    private static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) UNIT[i] = i / 255f;
    }

    private Pixels() {}

    /** The float in [0, 1] for an unsigned byte; a table keeps it exact and identical everywhere. */
    static float unit(int unsignedByte) {
        return UNIT[unsignedByte];
    }

    static float[] unitFloats(byte[] bytes) {
        float[] out = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = UNIT[bytes[i] & 0xFF];
        return out;
    }

    /** Maps [min, max] to 0..255 with rounding, clamping values outside the range. */
    static byte[] toBytes(float[] values, float min, float max) {
        byte[] out = new byte[values.length];
        float scale = 255f / (max - min);
        for (int i = 0; i < values.length; i++) {
            float v = (values[i] - min) * scale;
            int b = Float.isNaN(v) ? 0 : Math.round(Math.max(0f, Math.min(255f, v)));
            out[i] = (byte) b;
        }
        return out;
    }
}
