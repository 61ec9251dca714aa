package io.fedfactory.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderTest {

    @TempDir
    Path root;

    private Path png(String cls, String file, BufferedImage img) throws IOException {
        Path dir = Files.createDirectories(root.resolve(cls));
        Path f = dir.resolve(file);
        assertTrue(ImageIO.write(img, f.toString().toLowerCase().endsWith(".png") ? "png" : "jpg", f.toFile()));
        return f;
    }

    private static BufferedImage rgb(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return img;
    }

    private static BufferedImage grey(int w, int h, int... values) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < values.length; i++) img.getRaster().setSample(i % w, i / w, 0, values[i]);
        return img;
    }

    @Test
    void classesAreSortedDirectoriesAndColourIsChannelFirst() throws IOException {
        BufferedImage first = rgb(3, 2, 0x000000);
        first.setRGB(2, 1, 0x102030);
        png("b_dog", "2.png", rgb(3, 2, 0xFFFFFF));
        png("b_dog", "1.png", first);
        png("a_cat", "x.PNG", rgb(3, 2, 0xFF0000));
        Files.writeString(root.resolve("a_cat").resolve("notes.txt"), "ignored");
        Files.createDirectories(root.resolve(".hidden"));

        Dataset d = ImageFolder.load(root, 3);
        assertEquals(List.of("a_cat", "b_dog"), d.labelNames());
        assertArrayEquals(new int[] {0, 1, 1}, d.labels());
        assertEquals(ImageSpec.unitRange(3, 2, 3), d.spec());
        float[] red = d.image(0);
        assertEquals(1f, red[0], 0f);
        assertEquals(0f, red[6], 0f);
        float[] img1 = d.image(1); // "1.png" sorts before "2.png"
        int last = 5; // pixel (x=2, y=1) in a 3-wide plane
        assertEquals(0x10 / 255f, img1[last], 0f);
        assertEquals(0x20 / 255f, img1[6 + last], 0f);
        assertEquals(0x30 / 255f, img1[12 + last], 0f);
        assertEquals(1f, d.image(2)[17], 0f);
    }

    @Test
    void greyPngsKeepTheirStoredValues() throws IOException {
        png("zero", "a.png", grey(2, 2, 0, 64, 128, 255));
        png("one", "a.png", grey(2, 2, 1, 2, 3, 4));
        Dataset d = ImageFolder.load(root, 1);
        assertEquals(ImageSpec.unitRange(1, 2, 2), d.spec());
        // "one" sorts first. A getRGB path would have brightened 64 and 128 through sRGB conversion.
        assertArrayEquals(new float[] {1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f}, d.image(0), 0f);
        assertArrayEquals(new float[] {0f, 64 / 255f, 128 / 255f, 1f}, d.image(1), 0f);

        Dataset asRgb = ImageFolder.load(root, 3);
        float[] img = asRgb.image(1);
        for (int c = 0; c < 3; c++) assertEquals(128 / 255f, img[c * 4 + 2], 0f, "channel " + c);
    }

    @Test
    void colourToGreyUsesItuR601Weights() throws IOException {
        png("c", "r.png", rgb(1, 1, 0xFF0000));
        png("c", "g.png", rgb(1, 1, 0x00FF00));
        png("c", "b.png", rgb(1, 1, 0x0000FF));
        Dataset d = ImageFolder.load(root, 1);
        // Files in name order: b, g, r. Pillow's L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16.
        assertEquals(29 / 255f, d.image(0)[0], 0f);
        assertEquals(150 / 255f, d.image(1)[0], 0f);
        assertEquals(76 / 255f, d.image(2)[0], 0f);
    }

    @Test
    void sizeMismatchNamesTheOddFileUnlessResizing() throws IOException {
        png("a", "1.png", rgb(4, 4, 0x808080));
        png("a", "2.jpg", rgb(4, 4, 0x808080));
        png("b", "odd.png", rgb(5, 3, 0x808080));
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> ImageFolder.load(root, 3));
        assertTrue(e.getMessage().contains("odd.png: is 5x3"), e.getMessage());
        assertTrue(e.getMessage().contains("1.png is 4x4"), e.getMessage());
        assertTrue(e.getMessage().contains("target size"), e.getMessage());

        Dataset resized = ImageFolder.load(root, 3, 2, 2);
        assertEquals(ImageSpec.unitRange(3, 2, 2), resized.spec());
        assertEquals(3, resized.size());
        for (float v : resized.image(2)) assertEquals(128 / 255f, v, 1e-6f);
        for (float v : resized.image(1)) assertEquals(128 / 255f, v, 3 / 255f); // JPEG is lossy
    }

    @Test
    void emptyClassesUnreadableFilesAndBadArgumentsAreReported() throws IOException {
        assertThrows(MalformedDataException.class, () -> ImageFolder.load(root, 1), "no class directories");
        Files.createDirectories(root.resolve("empty"));
        MalformedDataException empty = assertThrows(MalformedDataException.class, () -> ImageFolder.load(root, 1));
        assertTrue(empty.getMessage().contains("empty: class directory holds no"), empty.getMessage());
        Files.writeString(root.resolve("empty").resolve("fake.png"), "not a png");
        MalformedDataException fake = assertThrows(MalformedDataException.class, () -> ImageFolder.load(root, 1));
        assertTrue(fake.getMessage().contains("fake.png"), fake.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(root, 2));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(root, 1, 0, 5));
    }

    @Test
    void aFileDeclaringBillionsOfPixelsIsRefusedBeforeItIsDecoded() throws IOException {
        // Found by LoaderFuzzTest (image folder, case 192 of seed 13): a 50-byte PNG whose header says 2 x 570425347;
        // ImageIO.read allocated about 1 GB for it (43 s) before failing.
        BufferedImage small = new BufferedImage(2, 3, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(small, "png", out);
        byte[] png = out.toByteArray();
        ByteBuffer.wrap(png, 20, 4).putInt(570_425_347); // IHDR height (signature 8, length 4, type 4, width 4)
        Files.createDirectories(root.resolve("cat"));
        Files.createDirectories(root.resolve("dog"));
        Files.write(root.resolve("cat").resolve("a.png"), out.toByteArray());
        Path huge = Files.write(root.resolve("dog").resolve("b.png"), png);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> ImageFolder.load(root, 1));
        assertEquals(huge.toString() + ": declares 2x570425347 (width x height), more than ImageFolder.MAX_DECODED_PIXELS = "
                + ImageFolder.MAX_DECODED_PIXELS + " pixels", e.getMessage());
    }
}
