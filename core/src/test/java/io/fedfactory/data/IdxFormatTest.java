package io.fedfactory.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxFormatTest {

    @TempDir
    Path dir;

    // Two 2x3 images; pixel values chosen to hit 0, 255 and values in between.
    private static final int[][] PIXELS = {{0, 1, 2, 128, 254, 255}, {255, 0, 17, 34, 51, 68}};
    private static final int[] LABELS = {2, 0};

    static byte[] imagesBytes(int magic, int count, int rows, int cols, int[]... images) {
        ByteBuffer b = ByteBuffer.allocate(16 + Arrays.stream(images).mapToInt(a -> a.length).sum());
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int[] img : images) for (int p : img) b.put((byte) p);
        return b.array();
    }

    static byte[] labelsBytes(int magic, int count, int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(count);
        for (int l : labels) b.put((byte) l);
        return b.array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path goodImages(String name) throws IOException {
        return file(name, imagesBytes(0x803, 2, 2, 3, PIXELS));
    }

    private Path goodLabels(String name) throws IOException {
        return file(name, labelsBytes(0x801, 2, LABELS));
    }

    private void assertExpectedContent(Dataset d) {
        assertEquals(ImageSpec.unitRange(1, 2, 3), d.spec());
        assertEquals(2, d.size());
        assertArrayEquals(LABELS, d.labels());
        for (int i = 0; i < 2; i++) {
            for (int p = 0; p < 6; p++) {
                assertEquals(PIXELS[i][p] / 255f, d.image(i)[p], 0f, "image " + i + " pixel " + p);
            }
        }
    }

    @Test
    void readsRawFilesWithUnsignedBytesScaledToUnitRange() throws IOException {
        Dataset d = IdxFormat.load("raw", goodImages("im"), goodLabels("lb"));
        assertExpectedContent(d);
        assertEquals(List.of("0", "1", "2"), d.labelNames(), "k is one more than the largest label");
        assertEquals(1f, d.image(0)[5], 0f);
    }

    @Test
    void detectsGzipByMagicBytesNotByName() throws IOException {
        Path im = file("images-without-gz-suffix", gzip(imagesBytes(0x803, 2, 2, 3, PIXELS)));
        Path lb = file("labels.gz", gzip(labelsBytes(0x801, 2, LABELS)));
        Dataset d = IdxFormat.load("gz", im, lb, List.of("a", "b", "c", "d"));
        assertExpectedContent(d);
        assertEquals(List.of("a", "b", "c", "d"), d.labelNames());
    }

    @Test
    void writerRoundTripsGzippedAndRaw() throws IOException {
        Dataset original = IdxFormat.load("orig", goodImages("im"), goodLabels("lb"));
        for (boolean gz : new boolean[] {true, false}) {
            Path im = dir.resolve("w-im-" + gz);
            Path lb = dir.resolve("w-lb-" + gz);
            IdxFormat.write(original, im, lb, gz);
            byte[] head = Arrays.copyOf(Files.readAllBytes(im), 2);
            assertEquals(gz, head[0] == (byte) 0x1f && head[1] == (byte) 0x8b, "gzip magic present iff gzipped");
            Dataset back = IdxFormat.load("back", im, lb);
            assertArrayEquals(original.pixelsView(), back.pixelsView(), 0f);
            assertArrayEquals(original.labels(), back.labels());
        }
        assertArrayEquals(imagesBytes(0x803, 2, 2, 3, PIXELS), Files.readAllBytes(dir.resolve("w-im-false")),
                "raw writer output is byte-identical to the hand-built file");
    }

    private MalformedDataException fails(Path images, Path labels) {
        return assertThrows(MalformedDataException.class, () -> IdxFormat.load("bad", images, labels));
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message <" + e.getMessage() + "> lacks <" + p + ">");
        }
    }

    @Test
    void wrongMagicNamesFileExpectedAndActual() throws IOException {
        Path labels = goodLabels("labels-file");
        MalformedDataException e = fails(labels, labels);
        assertMentions(e, "labels-file", "wrong magic", "expected 0x00000803", "got 0x00000801");
        assertEquals(labels.toString(), e.source());

        Path images = goodImages("images-file");
        assertMentions(fails(images, images), "images-file", "expected 0x00000801", "got 0x00000803");
    }

    @Test
    void truncatedBodyReportsExpectedAndActualBytes() throws IOException {
        byte[] full = imagesBytes(0x803, 2, 2, 3, PIXELS);
        Path cut = file("cut-images", Arrays.copyOf(full, full.length - 4));
        assertMentions(fails(cut, goodLabels("lb")), "cut-images", "truncated", "need 28 bytes", "got 24");

        Path cutGz = file("cut-images.gz", gzip(Arrays.copyOf(full, 20)));
        assertMentions(fails(cutGz, goodLabels("lb")), "cut-images.gz", "need 28 bytes", "got 20");

        byte[] labels = labelsBytes(0x801, 2, LABELS);
        Path cutLabels = file("cut-labels", Arrays.copyOf(labels, 9));
        assertMentions(fails(goodImages("im"), cutLabels), "cut-labels", "need 10 bytes", "got 9");
    }

    @Test
    void truncatedHeaderAndTruncatedGzipStreamAreReported() throws IOException {
        Path shortHeader = file("short-header", Arrays.copyOf(imagesBytes(0x803, 2, 2, 3, PIXELS), 10));
        assertMentions(fails(shortHeader, goodLabels("lb")), "short-header", "truncated header", "expected 12 bytes",
                "got 6");
        Path tiny = file("tiny", new byte[] {0, 0});
        assertMentions(fails(tiny, goodLabels("lb")), "tiny", "truncated magic number", "expected 4 bytes", "got 2");

        byte[] gz = gzip(imagesBytes(0x803, 2, 2, 3, PIXELS));
        Path brokenGz = file("broken.gz", Arrays.copyOf(gz, gz.length / 2));
        assertMentions(fails(brokenGz, goodLabels("lb")), "broken.gz", "gzip");
    }

    @Test
    void trailingDataIsRejected() throws IOException {
        byte[] full = imagesBytes(0x803, 2, 2, 3, PIXELS);
        Path longer = file("longer", Arrays.copyOf(full, full.length + 3));
        assertMentions(fails(longer, goodLabels("lb")), "longer", "trailing data", "28 bytes");
    }

    @Test
    void imageLabelCountMismatchNamesBothFiles() throws IOException {
        Path lb = file("three-labels", labelsBytes(0x801, 3, 0, 1, 2));
        MalformedDataException e = fails(goodImages("two-images"), lb);
        assertMentions(e, "two-images", "2 images", "three-labels", "3 labels");
    }

    @Test
    void sideLargerThanMaxSideIsRejectedBeforeReading() throws IOException {
        Path big = file("big", imagesBytes(0x803, 1, ImageSpec.MAX_SIDE + 1, 3));
        assertMentions(fails(big, goodLabels("lb")), "big", "rows = " + (ImageSpec.MAX_SIDE + 1),
                "[1, " + ImageSpec.MAX_SIDE + "]");
        Path zero = file("zero-cols", imagesBytes(0x803, 1, 2, 0));
        assertMentions(fails(zero, goodLabels("lb")), "zero-cols", "cols = 0");
    }

    @Test
    void absurdCountsAreRejectedWithoutAllocating() throws IOException {
        Path huge = file("huge", imagesBytes(0x803, Integer.MAX_VALUE, 1024, 1024));
        assertMentions(fails(huge, goodLabels("lb")), "huge", "more than the limit");
        Path negative = file("negative", imagesBytes(0x803, -1, 2, 2));
        assertMentions(fails(negative, goodLabels("lb")), "negative", "negative image count -1");
    }

    @Test
    void labelOutsideGivenNamesIsRejected() throws IOException {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> IdxFormat.load("bad", goodImages("im"), goodLabels("lb-file"), List.of("a", "b")));
        assertMentions(e, "lb-file", "label[0] = 2", "[0, 2)");
    }
}
