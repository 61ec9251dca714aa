package io.fedfactory.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10Test {

    @TempDir
    Path dir;

    /** Pixel byte of record {@code r} (global index), channel c, row y, column x. */
    private static int value(int r, int c, int y, int x) {
        return (r * 31 + c * 85 + y * 7 + x) & 0xFF;
    }

    /** A batch file of records {@code first..first+labels.length-1}, laid out as the distribution is. */
    private Path batch(String name, int first, int... labels) throws IOException {
        byte[] b = new byte[labels.length * 3073];
        for (int r = 0; r < labels.length; r++) {
            int o = r * 3073;
            b[o] = (byte) labels[r];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++) b[o + 1 + c * 1024 + y * 32 + x] = (byte) value(first + r, c, y, x);
        }
        return Files.write(dir.resolve(name), b);
    }

    @Test
    void trainSplitReadsFiveBatchesInOrderWithStandardNames() throws IOException {
        int[][] labels = {{0, 9}, {1}, {2, 3, 4}, {5}, {6, 7, 8}};
        int first = 0;
        for (int i = 0; i < 5; i++) {
            batch("data_batch_" + (i + 1) + ".bin", first, labels[i]);
            first += labels[i].length;
        }
        batch("test_batch.bin", 100, 3);
        Dataset train = Cifar10.fromDirectory(dir, Split.TRAIN);
        assertEquals("cifar10-train", train.name());
        assertEquals(Cifar10.SPEC, train.spec());
        assertArrayEquals(new int[] {0, 9, 1, 2, 3, 4, 5, 6, 7, 8}, train.labels());
        assertEquals(Cifar10.LABEL_NAMES, train.labelNames());
        assertEquals("truck", train.labelNames().get(train.label(1)));
        for (int r = 0; r < train.size(); r++) {
            float[] img = train.image(r);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y += 5)
                    for (int x = 0; x < 32; x += 3)
                        assertEquals(value(r, c, y, x) / 255f, img[(c * 32 + y) * 32 + x], 0f);
        }
        Dataset test = Cifar10.fromDirectory(dir, Split.TEST);
        assertEquals(1, test.size());
        assertEquals(value(100, 2, 31, 31) / 255f, test.image(0)[3 * 1024 - 1], 0f);
    }

    @Test
    void namesComeFromMetaFileBesideTheBatches() throws IOException {
        Path b = batch("test_batch.bin", 0, 1, 0);
        Files.writeString(dir.resolve("batches.meta.txt"), "cat\ndog\n\n");
        Dataset d = Cifar10.load("pets", List.of(b));
        assertEquals(List.of("cat", "dog"), d.labelNames());
        assertEquals("dog", d.labelNames().get(d.label(0)));
    }

    @Test
    void truncatedRecordNamesFileAndRecordIndex() throws IOException {
        Path b = batch("data_batch_1.bin", 0, 1, 2, 3);
        Files.write(b, Arrays.copyOf(Files.readAllBytes(b), 2 * 3073 + 100));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Cifar10.load("x", List.of(b)));
        assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated record 2"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 3073 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("got 100"), e.getMessage());
    }

    @Test
    void badLabelsEmptyFilesAndMissingBatchesAreReported() throws IOException {
        Path bad = batch("bad.bin", 0, 3, 12);
        MalformedDataException label = assertThrows(MalformedDataException.class, () -> Cifar10.load("x", List.of(bad)));
        assertTrue(label.getMessage().contains("bad.bin: record 1 has label 12"), label.getMessage());

        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertThrows(MalformedDataException.class, () -> Cifar10.load("x", List.of(empty)));

        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> Cifar10.fromDirectory(dir, Split.TRAIN));
        assertTrue(missing.getMessage().contains("data_batch_1.bin"), missing.getMessage());
    }
}
