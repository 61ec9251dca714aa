package io.fedfactory.data;

import io.fedfactory.fuzz.BoundaryFuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The site's data loaders on mutated files: each either loads a dataset or refuses with a
 * {@link MalformedDataException} naming the file; nothing else escapes and nothing hangs
 * ({@link BoundaryFuzz}; cases: -Dfedfactory.fuzz.cases).
 */
class LoaderFuzzTest {

    @TempDir
    Path dir;

    private static final int[][] PIXELS = {{0, 1, 2, 128, 254, 255}, {255, 0, 17, 34, 51, 68}};

    @Test
    void idxFilesLoadOrAreRefusedByName() {
        byte[] images = IdxFormatTest.imagesBytes(0x803, 2, 2, 3, PIXELS);
        byte[] labels = IdxFormatTest.labelsBytes(0x801, 2, 1, 0);
        int[] refused = {0};
        fuzz("idx images", new byte[][] {images}, bytes -> refused[0] += loads(() ->
                IdxFormat.load("fuzz", new ByteArrayInputStream(bytes), "images.idx", new ByteArrayInputStream(labels),
                        "labels.idx", List.of("a", "b"))));
        fuzz("idx labels", new byte[][] {labels}, bytes -> refused[0] += loads(() ->
                IdxFormat.load("fuzz", new ByteArrayInputStream(images), "images.idx", new ByteArrayInputStream(bytes),
                        "labels.idx", List.of("a", "b"))));
        assertTrue(refused[0] > 0, "the mutations reached the refusals");
    }

    @Test
    void npyArraysLoadOrAreRefusedByName() {
        byte[] u1 = MedMnistTest.npy("|u1", false, new int[] {2, 2, 3}, MedMnistTest.u1(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
        byte[] i8 = MedMnistTest.npy("<i8", false, new int[] {2, 1}, MedMnistTest.i8(1, 0));
        int[] refused = {0};
        fuzz("npy", new byte[][] {u1, i8}, bytes -> refused[0] += loads(() -> NpyArray.read(new ByteArrayInputStream(bytes), "x.npy")));
        assertTrue(refused[0] > 0, "the mutations reached the refusals");
    }

    @Test
    void imageFoldersLoadOrAreRefusedByName() throws IOException {
        byte[] png = png();
        int[] refused = {0};
        int[] n = {0};
        fuzz("image folder", new byte[][] {png}, bytes -> {
            Path root = dir.resolve("case-" + n[0]++);
            try {
                Files.createDirectories(root.resolve("cat"));
                Files.createDirectories(root.resolve("dog"));
                Files.write(root.resolve("cat").resolve("a.png"), png);
                Files.write(root.resolve("dog").resolve("b.png"), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            refused[0] += loads(() -> ImageFolder.load(root, 1));
        });
        assertTrue(refused[0] > 0, "the mutations reached the refusals");
    }

    interface Load {
        Object run() throws IOException;
    }

    /** 0 when it loaded, 1 when it was refused by name; anything else fails the case. */
    private static int loads(Load load) {
        try {
            assertTrue(load.run() != null);
            return 0;
        } catch (MalformedDataException e) {
            assertTrue(e.getMessage().startsWith(e.source() + ": "), e.getMessage());
            return 1;
        } catch (IOException e) {
            throw new AssertionError("an unnamed I/O refusal: " + e, e);
        }
    }

    private static void fuzz(String boundary, byte[][] valids, java.util.function.Consumer<byte[]> check) {
        BoundaryFuzz fuzz = BoundaryFuzz.configured().within(Duration.ofSeconds(10));
        int ran = fuzz.run(boundary, valids, (i, b) -> check.accept(b));
        assertEquals(fuzz.cases(), ran);
    }

    private static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(2, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 6; i++) img.getRaster().setSample(i % 2, i / 2, 0, PIXELS[0][i]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
