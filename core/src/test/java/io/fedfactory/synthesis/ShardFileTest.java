package io.fedfactory.synthesis;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.ContentHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.fedfactory.synthesis.TestModules.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardFileTest {

    static final ImageSpec SPEC = new ImageSpec(3, 2, 2, -1f, 1f);

    @TempDir
    Path dir;

    static float[] pixels(int images, float offset) {
        float[] px = new float[images * SPEC.pixels()];
        for (int i = 0; i < px.length; i++) px[i] = (float) Math.sin(i + offset);
        return px;
    }

    Path write(String name, ShardHeader header, float[]... batches) throws IOException {
        Path file = dir.resolve(name);
        try (ShardWriter w = new ShardWriter(file, header)) {
            for (float[] b : batches) w.append(b);
            String hash = w.commit();
            assertEquals(ContentHash.sha256Hex(Files.readAllBytes(file)), hash);
        }
        return file;
    }

    @Test
    void roundTripsHeaderAndPixels() throws IOException {
        ShardHeader header = new ShardHeader(SPEC, 5, 2, id('e'), -99, 18);
        float[] px = pixels(5, 0);
        Path file = write("a.ffshard", header, java.util.Arrays.copyOf(px, 24), java.util.Arrays.copyOfRange(px, 24, 60));
        ShardReader.Shard shard = ShardReader.read(file);
        assertEquals(header, shard.header());
        assertArrayEquals(px, shard.pixels());
        assertEquals(ShardHeader.BYTES + 5L * 12 * 4, Files.size(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file may remain");
        }
    }

    @Test
    void loadJoinsShardsInModuleIdOrder() throws IOException {
        Path b = write("b.ffshard", new ShardHeader(SPEC, 2, 1, id('b'), 0, 0), pixels(2, 1));
        Path a = write("a.ffshard", new ShardHeader(SPEC, 3, 0, id('a'), 0, 0), pixels(3, 2));
        Dataset d = ShardReader.load(List.of(b, a), List.of("x", "y"), "synthetic");
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, d.labels());
        assertArrayEquals(pixels(3, 2), java.util.Arrays.copyOf(d.pixelsView(), 36));
        assertEquals(SPEC, d.spec());
    }

    @Test
    void truncatedShardErrorNamesTheFile() throws IOException {
        Path file = write("t.ffshard", new ShardHeader(SPEC, 4, 0, id('1'), 0, 0), pixels(4, 0));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 3);
        }
        ShardFormatException e = assertThrows(ShardFormatException.class, () -> ShardReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(50);
        }
        e = assertThrows(ShardFormatException.class, () -> ShardReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("header alone"), e.getMessage());
    }

    @Test
    void corruptedShardsAreRejectedWithTheFileNamed() throws IOException {
        Path file = write("c.ffshard", new ShardHeader(SPEC, 1, 0, id('1'), 0, 0), pixels(1, 0));
        byte[] good = Files.readAllBytes(file);

        byte[] bad = good.clone();
        bad[0] = 'X';
        Files.write(file, bad);
        ShardFormatException e = assertThrows(ShardFormatException.class, () -> ShardReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a fedfactory shard"), e.getMessage());

        bad = good.clone();
        bad[8] = 2;
        Files.write(file, bad);
        e = assertThrows(ShardFormatException.class, () -> ShardReader.read(file));
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());

        bad = good.clone();
        bad[12] = 2; // channels = 2
        Files.write(file, bad);
        e = assertThrows(ShardFormatException.class, () -> ShardReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("channels"), e.getMessage());

        bad = java.util.Arrays.copyOf(good, good.length + 4);
        Files.write(file, bad);
        e = assertThrows(ShardFormatException.class, () -> ShardReader.read(file));
        assertTrue(e.getMessage().contains("4 bytes after"), e.getMessage());

        bad = good.clone();
        // First pixel to NaN (0x7fc00000, little-endian).
        bad[128] = 0; bad[129] = 0; bad[130] = (byte) 0xc0; bad[131] = 0x7f;
        Files.write(file, bad);
        e = assertThrows(ShardFormatException.class, () -> ShardReader.read(file));
        assertTrue(e.getMessage().contains("image 0 pixel 0 is NaN"), e.getMessage());
    }

    @Test
    void abandonedWriteLeavesNothingAndShortWritesCannotCommit() throws IOException {
        Path file = dir.resolve("x.ffshard");
        try (ShardWriter w = new ShardWriter(file, new ShardHeader(SPEC, 3, 0, id('1'), 0, 0))) {
            w.append(pixels(2, 0));
            IllegalStateException e = assertThrows(IllegalStateException.class, w::commit);
            assertTrue(e.getMessage().contains("3 images, 2 written"), e.getMessage());
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
