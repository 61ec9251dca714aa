package io.fedfactory.imaging;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.FashionMnist;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.data.Split;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleGridTest {

    /** Kept under target/ so the pictures can be looked at after a build. */
    static final Path OUT = Path.of("target", "imaging-test");

    @Test
    void fashionMnistGridDecodesWithEveryImageInItsCell() throws IOException {
        Dataset test = FashionMnist.load(Split.TEST);
        SampleGrid grid = SampleGrid.of(test, 8, 2);
        Path file = OUT.resolve("fashion-mnist-grid.png");
        grid.writePng(file);

        BufferedImage png = ImageIO.read(file.toFile());
        assertNotNull(png, "PNG decodes");
        int cell = 28 * 2, gap = SampleGrid.GAP, cols = 8;
        assertEquals(gap + 10 * (cell + gap), png.getHeight(), "ten rows of 56 px cells");
        int labelWidth = png.getWidth() - gap - cols * (cell + gap);
        assertTrue(labelWidth > 60, "room for 'T-shirt/top' on the left: " + labelWidth);

        // Row 9 (Ankle boot), column 0 is the first ankle boot of the test split; compare every pixel.
        int first = -1;
        for (int i = 0; i < test.size() && first < 0; i++) if (test.label(i) == 9) first = i;
        float[] img = test.image(first);
        int x0 = labelWidth + gap, y0 = gap + 9 * (cell + gap);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int expected = Math.round(img[y * 28 + x] * 255f);
                for (int d = 0; d < 4; d++) {
                    int rgb = png.getRGB(x0 + x * 2 + d % 2, y0 + y * 2 + d / 2);
                    assertEquals(expected, rgb & 0xFF, "pixel " + x + "," + y);
                    assertEquals(expected, (rgb >> 16) & 0xFF);
                }
            }
        }
        // The label column holds dark text pixels.
        int dark = 0;
        for (int y = 0; y < png.getHeight(); y++)
            for (int x = 0; x < labelWidth; x++) if ((png.getRGB(x, y) & 0xFF) < 100) dark++;
        assertTrue(dark > 200, "class names drawn: " + dark + " dark pixels");
    }

    @Test
    void colourImagesMapTheValueRangeAndClamp() throws IOException {
        ImageSpec spec = new ImageSpec(3, 2, 2, -1f, 1f);
        // Channel planes: R = -1 (0), G = 0 (128), B = 3 (clamped to 255); last pixel NaN in R.
        float[] img = {-1, -1, -1, Float.NaN, 0, 0, 0, 0, 3, 3, 3, 3};
        SampleGrid grid = new SampleGrid(spec, List.of("rgb"), List.of(List.of(img, img)), 3);
        Path file = OUT.resolve("colour-grid.png");
        grid.writePng(file);
        BufferedImage png = ImageIO.read(file.toFile());
        int labelWidth = png.getWidth() - SampleGrid.GAP - 2 * (6 + SampleGrid.GAP);
        int rowTop = SampleGrid.GAP + (png.getHeight() - 2 * SampleGrid.GAP - 6) / 2;
        int rgb = png.getRGB(labelWidth + SampleGrid.GAP, rowTop) & 0xFFFFFF;
        assertEquals(0x0080FF, rgb, Integer.toHexString(rgb));
        int nan = png.getRGB(labelWidth + SampleGrid.GAP + 5, rowTop + 5) & 0xFFFFFF;
        assertEquals(0x0080FF, nan, "NaN shows as 0 in its channel: " + Integer.toHexString(nan));
    }

    @Test
    void badGridsAreRejected() {
        ImageSpec spec = ImageSpec.unitRange(1, 2, 2);
        assertThrows(IllegalArgumentException.class,
                () -> new SampleGrid(spec, List.of("a"), List.of(List.of(new float[3])), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new SampleGrid(spec, List.of("a", "b"), List.of(List.of(new float[4])), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new SampleGrid(spec, List.of("a"), List.of(List.of(new float[4])), 0));
        float[] img = new float[4];
        SampleGrid g = new SampleGrid(spec, List.of("a"), List.of(List.of(img)), 1);
        img[0] = 1;
        g.rows().get(0).get(0)[1] = 1;
        assertEquals(0f, g.rows().get(0).get(0)[0]);
        assertEquals(0f, g.rows().get(0).get(0)[1]);
    }

    @Test
    void sameGridGivesIdenticalPngBytes() throws IOException {
        float[] img = {0, 0.25f, 0.5f, 1};
        SampleGrid g = new SampleGrid(ImageSpec.unitRange(1, 2, 2), List.of("x"), List.of(List.of(img)), 4);
        Path a = OUT.resolve("same-a.png"), b = OUT.resolve("same-b.png");
        g.writePng(a);
        g.writePng(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }
}
