package io.fedfactory.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MedMnistTest {

    @TempDir
    Path dir;

    /** A .npy file as NumPy writes it: version 1.0, header padded with spaces to a multiple of 64. */
    static byte[] npy(String descr, boolean fortran, int[] shape, byte[] data) {
        StringBuilder shapeText = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) shapeText.append(i > 0 ? ", " : "").append(shape[i]);
        shapeText.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shapeText + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.put(data);
        return b.array();
    }

    static byte[] u1(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    static byte[] i8(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return b.array();
    }

    static byte[] i4(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        return b.array();
    }

    private Path npz(String name, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return Files.write(dir.resolve(name), bytes.toByteArray());
    }

    private static byte[] greyImages(int n, int h, int w, int offset) {
        byte[] b = new byte[n * h * w];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (offset + i * 7);
        return b;
    }

    private Path greyArchive() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("train_images", npy("|u1", false, new int[] {3, 2, 3}, greyImages(3, 2, 3, 0)));
        e.put("train_labels", npy("|u1", false, new int[] {3, 1}, u1(2, 0, 1)));
        e.put("val_images", npy("|u1", false, new int[] {1, 2, 3}, greyImages(1, 2, 3, 100)));
        e.put("val_labels", npy("|u1", false, new int[] {1, 1}, u1(0)));
        e.put("test_images", npy("|u1", false, new int[] {2, 2, 3}, greyImages(2, 2, 3, 200)));
        e.put("test_labels", npy("|u1", false, new int[] {2, 1}, u1(4, 1)));
        return npz("greymnist.npz", e);
    }

    @Test
    void greyscaleSplitsLoadWithClassCountOverAllSplits() throws IOException {
        Path archive = greyArchive();
        Dataset train = MedMnist.load(archive, Split.TRAIN);
        assertEquals("greymnist-train", train.name());
        assertEquals(ImageSpec.unitRange(1, 2, 3), train.spec());
        assertArrayEquals(new int[] {2, 0, 1}, train.labels());
        // Label 4 appears only in the test split, yet train already knows five classes.
        assertEquals(List.of("0", "1", "2", "3", "4"), train.labelNames());
        byte[] raw = greyImages(3, 2, 3, 0);
        for (int i = 0; i < raw.length; i++) assertEquals((raw[i] & 0xFF) / 255f, train.pixelsView()[i], 0f);

        Dataset val = MedMnist.load(archive, Split.VALIDATION, List.of("a", "b", "c", "d", "e"));
        assertEquals(1, val.size());
        assertEquals("a", val.labelNames().get(val.label(0)));
        assertEquals(100 / 255f, val.image(0)[0], 0f);
        assertArrayEquals(new int[] {4, 1}, MedMnist.load(archive, Split.TEST).labels());
    }

    @Test
    void colourImagesAreConvertedFromHwcToChw() throws IOException {
        // Two 2x2 RGB images; value = 100*i + 10*(y*2+x) + channel, so every position is recognisable.
        int n = 2, h = 2, w = 2;
        byte[] hwc = new byte[n * h * w * 3];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < h * w; p++)
                for (int c = 0; c < 3; c++) hwc[((i * h * w) + p) * 3 + c] = (byte) (100 * i + 10 * p + c);
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("train_images", npy("|u1", false, new int[] {n, h, w, 3}, hwc));
        e.put("train_labels", npy("<i8", false, new int[] {n}, i8(1, 0)));
        Dataset d = MedMnist.load(npz("rgb.npz", e), Split.TRAIN, List.of("x", "y"));
        assertEquals(ImageSpec.unitRange(3, 2, 2), d.spec());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        for (int i = 0; i < n; i++) {
            float[] img = d.image(i);
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < h * w; p++)
                    assertEquals((100 * i + 10 * p + c) / 255f, img[c * h * w + p], 0f, "image " + i + " c " + c + " p " + p);
        }
    }

    @Test
    void int32LabelsAndSingleChannelLastAxisAreAccepted() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("test_images", npy("|u1", false, new int[] {2, 1, 1, 1}, u1(0, 255)));
        e.put("test_labels", npy("<i4", false, new int[] {2, 1}, i4(0, 2)));
        Dataset d = MedMnist.load(npz("i4.npz", e), Split.TEST);
        assertEquals(ImageSpec.unitRange(1, 1, 1), d.spec());
        assertArrayEquals(new int[] {0, 2}, d.labels());
        assertArrayEquals(new float[] {0f, 1f}, d.pixelsView(), 0f);
    }

    @Test
    void archiveWrittenByNumpyItselfLoads() throws IOException {
        // Made by numpy 2.4.6 savez_compressed (deflated entries, int64 (N,1) labels); pixel formula below.
        Path archive = dir.resolve("numpy-made-rgb.npz");
        try (InputStream in = getClass().getResourceAsStream("numpy-made-rgb.npz")) {
            Files.copy(in, archive);
        }
        Dataset train = MedMnist.load(archive, Split.TRAIN);
        assertEquals(ImageSpec.unitRange(3, 4, 5), train.spec());
        assertArrayEquals(new int[] {0, 2, 1}, train.labels());
        assertEquals(4, train.numClasses(), "test split holds label 3");
        for (int i = 0; i < 3; i++) {
            float[] img = train.image(i);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 4; y++)
                    for (int x = 0; x < 5; x++)
                        assertEquals(((i * 60 + y * 15 + x * 3 + c * 50) % 256) / 255f, img[(c * 4 + y) * 5 + x], 0f);
        }
        assertEquals(((11 + 60 + 2 * 50) % 256) / 255f, MedMnist.load(archive, Split.TEST).image(1)[2 * 20], 0f);
    }

    private MalformedDataException fails(Path archive, Split split) {
        return assertThrows(MalformedDataException.class, () -> MedMnist.load(archive, split));
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message <" + e.getMessage() + "> lacks <" + p + ">");
        }
    }

    private Path trainOnly(String name, byte[] images, byte[] labels) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("train_images", images);
        e.put("train_labels", labels);
        return npz(name, e);
    }

    @Test
    void unsupportedDtypesAreRejectedNamingTheEntry() throws IOException {
        Path floats = trainOnly("floats.npz", npy("<f4", false, new int[] {1, 1, 1}, new byte[4]),
                npy("|u1", false, new int[] {1}, u1(0)));
        assertMentions(fails(floats, Split.TRAIN), "floats.npz!train_images.npy", "unsupported dtype '<f4'",
                "'|u1', '<i4', '<i8'");
        Path bigEndian = trainOnly("be.npz", npy("|u1", false, new int[] {1, 1, 1}, u1(0)),
                npy(">i8", false, new int[] {1}, new byte[8]));
        assertMentions(fails(bigEndian, Split.TRAIN), "be.npz!train_labels.npy", "'>i8'");
        Path wideImages = trainOnly("wide.npz", npy("<i8", false, new int[] {1, 1, 1}, i8(3)),
                npy("|u1", false, new int[] {1}, u1(0)));
        assertMentions(fails(wideImages, Split.TRAIN), "images must be uint8", "'<i8'");
    }

    @Test
    void fortranOrderIsRejected() throws IOException {
        Path f = trainOnly("fortran.npz", npy("|u1", true, new int[] {1, 2, 2}, u1(1, 2, 3, 4)),
                npy("|u1", false, new int[] {1}, u1(0)));
        assertMentions(fails(f, Split.TRAIN), "fortran.npz!train_images.npy", "fortran_order is True");
    }

    @Test
    void truncatedArrayReportsExpectedAndActualBytes() throws IOException {
        byte[] full = npy("|u1", false, new int[] {2, 3, 3}, greyImages(2, 3, 3, 0));
        Path cut = trainOnly("cut.npz", Arrays.copyOf(full, full.length - 5), npy("|u1", false, new int[] {2}, u1(0, 1)));
        assertMentions(fails(cut, Split.TRAIN), "cut.npz!train_images.npy", "truncated", "needs 18 bytes", "got 13");
        Path cutHeader = trainOnly("cut-header.npz", Arrays.copyOf(full, 40), npy("|u1", false, new int[] {2}, u1(0, 1)));
        assertMentions(fails(cutHeader, Split.TRAIN), "truncated .npy header", "got 30");
    }

    @Test
    void malformedHeadersAndShapesAreRejected() throws IOException {
        Path notNpy = trainOnly("not-npy.npz", "hello world".getBytes(StandardCharsets.US_ASCII),
                npy("|u1", false, new int[] {1}, u1(0)));
        assertMentions(fails(notNpy, Split.TRAIN), "not a .npy array", "\\x68\\x65");
        Path multiLabel = trainOnly("chest.npz", npy("|u1", false, new int[] {2, 1, 1}, u1(0, 0)),
                npy("|u1", false, new int[] {2, 14}, new byte[28]));
        assertMentions(fails(multiLabel, Split.TRAIN), "chest.npz!train_labels.npy", "(2, 14)", "multi-label");
        Path flat = trainOnly("flat.npz", npy("|u1", false, new int[] {4}, u1(0, 0, 0, 0)),
                npy("|u1", false, new int[] {4}, u1(0, 0, 0, 0)));
        assertMentions(fails(flat, Split.TRAIN), "images shape (4,)");
        Path mismatch = trainOnly("mismatch.npz", npy("|u1", false, new int[] {2, 1, 1}, u1(0, 0)),
                npy("|u1", false, new int[] {3}, u1(0, 0, 0)));
        assertMentions(fails(mismatch, Split.TRAIN), "holds 2 images", "3 labels");
        Path huge = trainOnly("huge.npz", npy("|u1", false, new int[] {1, 4096, 4}, new byte[4096 * 4]),
                npy("|u1", false, new int[] {1}, u1(0)));
        assertMentions(fails(huge, Split.TRAIN), "height = 4096", String.valueOf(ImageSpec.MAX_SIDE));
    }

    @Test
    void missingArraysAndNonZipFilesAreReported() throws IOException {
        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> MedMnist.load(trainOnly("only-train.npz", npy("|u1", false, new int[] {1, 1, 1}, u1(0)),
                        npy("|u1", false, new int[] {1}, u1(0))), Split.TEST));
        assertMentions(missing, "only-train.npz", "test_images.npy", "train_images.npy, train_labels.npy");
        Path garbage = Files.write(dir.resolve("garbage.npz"), new byte[] {1, 2, 3, 4, 5});
        assertMentions(fails(garbage, Split.TRAIN), "garbage.npz", "not a readable zip");
    }
}
