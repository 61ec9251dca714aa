package io.fedfactory.synthesis;

import io.fedfactory.data.Dataset;
import io.fedfactory.determinism.ContentHash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads shard files back, checking their structure and values, and joins them into one dataset. */
public final class ShardReader {

    /** A shard's header, its images and the SHA-256 of the file. */
    public record Shard(Path file, ShardHeader header, float[] pixels, String sha256) {}

    private ShardReader() {}

    /** Reads and checks the header and the file's length, without reading the pixels. */
    public static ShardHeader readHeader(Path file) throws IOException {
        long size = Files.size(file);
        if (size < ShardHeader.BYTES) {
            throw new ShardFormatException("shard " + file + " is truncated: " + size + " bytes, the header alone needs "
                    + ShardHeader.BYTES);
        }
        byte[] head = new byte[ShardHeader.BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            in.readNBytes(head, 0, head.length);
        }
        ShardHeader header = ShardHeader.decode(head, file.toString());
        long expected = ShardHeader.BYTES + header.payloadBytes();
        if (size < expected) {
            throw new ShardFormatException("shard " + file + " is truncated: " + size + " bytes, its header promises "
                    + header.count() + " images = " + expected + " bytes");
        }
        if (size > expected) {
            throw new ShardFormatException("shard " + file + " has " + (size - expected) + " bytes after its "
                    + header.count() + " images");
        }
        return header;
    }

    /** Reads a whole shard; fails if a pixel is not finite or outside the spec's range. */
    public static Shard read(Path file) throws IOException {
        ShardHeader header = readHeader(file);
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != ShardHeader.BYTES + header.payloadBytes()) {
            throw new ShardFormatException("shard " + file + " changed while being read");
        }
                String hash = ContentHash.sha256Hex(bytes);
        float[] pixels = new float[Math.toIntExact(header.payloadBytes() / Float.BYTES)];
        ByteBuffer.wrap(bytes, ShardHeader.BYTES, bytes.length - ShardHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(pixels);
        float min = header.spec().valueMin();
        float max = header.spec().valueMax();
        for (int i = 0; i < pixels.length; i++) {
            if (!(pixels[i] >= min && pixels[i] <= max)) {
                throw new ShardFormatException("shard " + file + ": image " + i / header.spec().pixels() + " pixel "
                        + i % header.spec().pixels() + " is " + pixels[i] + ", outside [" + min + ", " + max + "]");
            }
        }
        return new Shard(file, header, pixels, hash);
    }

    /**
     * Reads shards into one dataset, in module-id order whatever order the files come in, so the same
     * shards always give the same dataset. All shards must share one image spec; class indices refer
     * to {@code labelNames}.
     */
    public static Dataset load(Collection<Path> files, List<String> labelNames, String name) throws IOException {
        List<Shard> shards = new ArrayList<>();
        for (Path f : files) shards.add(read(f));
        shards.sort(Comparator.comparing((Shard s) -> s.header().moduleId()));
        Set<String> ids = new HashSet<>();
        long total = 0;
        for (Shard s : shards) {
            ShardHeader h = s.header();
            if (!ids.add(h.moduleId())) {
                throw new ShardFormatException("shards hold module " + h.moduleId() + " twice (second: " + s.file() + ")");
            }
            if (!h.spec().equals(shards.get(0).header().spec())) {
                throw new ShardFormatException("shard " + s.file() + " holds " + h.spec() + " images but shard "
                        + shards.get(0).file() + " holds " + shards.get(0).header().spec());
            }
            if (h.classIndex() >= labelNames.size()) {
                throw new ShardFormatException("shard " + s.file() + " holds class " + h.classIndex() + ", outside the "
                        + labelNames.size() + " labels " + labelNames);
            }
            total += h.count();
        }
        if (shards.isEmpty()) throw new IllegalArgumentException("no shards to load");
        int pixels = shards.get(0).header().spec().pixels();
        float[] all = new float[Math.toIntExact(total * pixels)];
        int[] labels = new int[(int) total];
        int at = 0;
        for (Shard s : shards) {
            System.arraycopy(s.pixels(), 0, all, at * pixels, s.pixels().length);
            java.util.Arrays.fill(labels, at, at + s.header().count(), s.header().classIndex());
            at += s.header().count();
        }
        return new Dataset(name, shards.get(0).header().spec(), labelNames, all, labels);
    }
}
