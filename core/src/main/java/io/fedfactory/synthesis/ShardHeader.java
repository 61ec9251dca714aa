package io.fedfactory.synthesis;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.ContentHash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The header of a shard file: the samples of one module for one class. Layout (little-endian,
 * {@value #BYTES} bytes), followed by count x C x H x W float32 pixels:
 *
 * <pre>
 *   0  8  magic "FFSHARD\0"
 *   8  4  format version (1)
 *  12 12  channels, height, width (int32)
 *  24  8  valueMin, valueMax (float32)
 *  32  4  count (int32)
 *  36  4  class index (int32)
 *  40 64  module id (ASCII lowercase hex SHA-256)
 * 104  8  federation seed (int64)
 * 112  4  Heun steps used (int32; 0 for decoder modules)
 * 116 12  reserved, zero
 * </pre>
 */
public record ShardHeader(ImageSpec spec, int count, int classIndex, String moduleId, long federationSeed,
                          int diffusionSteps) {

    public static final int BYTES = 128;
    public static final int VERSION = 1;
    static final byte[] MAGIC = "FFSHARD\0".getBytes(StandardCharsets.US_ASCII);

    public ShardHeader {
        Objects.requireNonNull(spec, "spec");
        if (count < 0) throw new IllegalArgumentException("shard count must be >= 0, got " + count);
        if (classIndex < 0) throw new IllegalArgumentException("shard class index must be >= 0, got " + classIndex);
        if (!ContentHash.isSha256Hex(moduleId)) {
            throw new IllegalArgumentException("shard module id must be 64 lowercase hex characters, got '" + moduleId + "'");
        }
        if (diffusionSteps < 0) throw new IllegalArgumentException("shard diffusion steps must be >= 0, got " + diffusionSteps);
    }

    /** Bytes of the pixel payload. */
    public long payloadBytes() {
        return (long) count * spec.pixels() * Float.BYTES;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION);
        b.putInt(spec.channels()).putInt(spec.height()).putInt(spec.width());
        b.putFloat(spec.valueMin()).putFloat(spec.valueMax());
        b.putInt(count).putInt(classIndex);
        b.put(moduleId.getBytes(StandardCharsets.US_ASCII));
        b.putLong(federationSeed).putInt(diffusionSteps);
        return b.array();
    }

    /** Parses a header; {@code file} only names the source in errors. */
    static ShardHeader decode(byte[] bytes, String file) throws ShardFormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ShardFormatException("shard " + file + " is not a fedfactory shard: magic "
                    + Arrays.toString(magic) + ", expected \"FFSHARD\\0\"");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new ShardFormatException("shard " + file + " has format version " + version + "; this reader reads "
                    + VERSION);
        }
        int channels = b.getInt();
        int height = b.getInt();
        int width = b.getInt();
        float min = b.getFloat();
        float max = b.getFloat();
        int count = b.getInt();
        int classIndex = b.getInt();
        byte[] id = new byte[64];
        b.get(id);
        long seed = b.getLong();
        int steps = b.getInt();
        for (int i = 0; i < 12; i++) {
            if (b.get() != 0) throw new ShardFormatException("shard " + file + ": reserved header bytes must be zero");
        }
        try {
            return new ShardHeader(new ImageSpec(channels, height, width, min, max), count, classIndex,
                    new String(id, StandardCharsets.US_ASCII), seed, steps);
        } catch (IllegalArgumentException e) {
            throw new ShardFormatException("shard " + file + " has an invalid header: " + e.getMessage());
        }
    }
}
