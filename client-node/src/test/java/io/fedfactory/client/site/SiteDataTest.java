package io.fedfactory.client.site;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.RefusedFile;
import io.fedfactory.data.SizePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SiteDataTest {

    @TempDir
    Path dir;

    static DataOptions folder(SizePolicy sizes, int min) {
        return new DataOptions(SiteData.Format.FOLDER, sizes, min, 0.25, 1);
    }

    @Test
    void aSiteHoldingOneClassInTrainAndTestFoldersReadsEachSplitFromItsFolder() throws IOException {
        ImageTrees.write(dir.resolve("train/dog"), 6, "png", false, 8, 8, 1);
        ImageTrees.write(dir.resolve("test/dog"), 3, "png", false, 8, 8, 2);
        SiteDataset d = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3));
        assertEquals(List.of(), d.refused());
        assertEquals(List.of("dog=6"), d.trainedClasses());
        assertEquals(List.of("dog=3"), d.testClasses());
        assertEquals(ImageTrees.LABELS, d.train().labelNames(), "labels are the federation's, in its order");
        assertTrue(d.testSource().contains("test"), d.testSource());
    }

    @Test
    void twoClassesInPngAndJpegGreyAndColourAreConvertedToTheFederationsChannels() throws IOException {
        ImageTrees.write(dir.resolve("train/cat"), 4, "png", true, 8, 8, 3);
        ImageTrees.write(dir.resolve("train/owl"), 4, "jpg", false, 8, 8, 4);
        ImageTrees.write(dir.resolve("test/owl"), 2, "jpg", true, 8, 8, 5);
        SiteDataset grey = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3));
        assertEquals(List.of("cat=4", "owl=4"), grey.trainedClasses());
        assertEquals(1, grey.train().spec().channels());
        assertTrue(grey.notes().stream().anyMatch(n -> n.contains("4 colour images") && n.contains("converted to grey")), grey.notes().toString());
        SiteDataset rgb = SiteData.read(dir, ImageTrees.spec(3, 8), folder(SizePolicy.REFUSE, 3));
        assertEquals(3, rgb.train().spec().channels());
        assertTrue(rgb.notes().stream().anyMatch(n -> n.contains("4 grey images") && n.contains("3 channels")), rgb.notes().toString());
    }

    @Test
    void aSingleSplitHoldsOutASeededPartOfEveryClassThatIsNeverTrainedOn() throws IOException {
        for (String label : ImageTrees.LABELS) ImageTrees.write(dir.resolve(label), 8, "png", false, 8, 8, 10 + ImageTrees.LABELS.indexOf(label));
        SiteDataset a = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3));
        assertEquals(List.of("cat=6", "dog=6", "owl=6"), a.trainedClasses());
        assertEquals(List.of("cat=2", "dog=2", "owl=2"), a.testClasses());
        assertTrue(a.testSource().startsWith("held out: 25%"), a.testSource());
        for (int i = 0; i < a.test().size(); i++) {
            float[] img = a.test().image(i);
            for (int j = 0; j < a.train().size(); j++) {
                assertTrue(!Arrays.equals(img, a.train().image(j)), "held-out image " + i + " is also a training image");
            }
        }
        SiteDataset again = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3));
        assertArrayEquals(a.test().pixelsView(), again.test().pixelsView(), "the same seed holds out the same images");
        SiteDataset other = SiteData.read(dir, ImageTrees.spec(1, 8), new DataOptions(SiteData.Format.FOLDER,
                SizePolicy.REFUSE, 3, 0.25, 2));
        assertNotEquals(Arrays.hashCode(a.test().pixelsView()), Arrays.hashCode(other.test().pixelsView()));
    }

    @Test
    void everyProblemOfABadTreeIsReportedAtOnceNamingFileAndFault() throws IOException {
        ImageTrees.write(dir.resolve("train/cat"), 5, "png", false, 8, 8, 1);
        ImageTrees.write(dir.resolve("train/dog"), 2, "png", false, 8, 8, 2);          // below the minimum of 3
        ImageTrees.write(dir.resolve("train/owl"), 4, "jpg", true, 8, 8, 3);
        ImageTrees.write(dir.resolve("train/tiger"), 3, "png", false, 8, 8, 4);        // not a federation label
        ImageTrees.write(dir.resolve("test/cat"), 2, "png", false, 8, 8, 6);
        ImageTrees.write(dir.resolve("train/owl/big"), 1, "png", false, 16, 16, 5);
        Path big = Files.move(dir.resolve("train/owl/big/000.png"), dir.resolve("train/owl/big.png"));
        Path text = Files.writeString(dir.resolve("train/cat/notes.png"), "these are notes, not an image");
        byte[] png = Files.readAllBytes(dir.resolve("train/cat/000.png"));
        Path corrupt = Files.write(dir.resolve("train/cat/corrupt.png"), Arrays.copyOf(png, png.length / 2));

        SiteDataset d = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3));
        String report = RefusedFile.describe(d.refused());
        System.out.println(String.join("\n", d.report()));
        assertTrue(report.startsWith("4 files refused:"), report);
        assertTrue(report.contains(corrupt + ": cannot be decoded"), report);
        assertTrue(report.contains(text + ": "), report);
        assertTrue(report.contains(big + ": is 16x16 (width x height) but the federation's images are 8x8"), report);
        assertTrue(report.contains(dir.resolve("train/tiger") + ": folder 'tiger' is not one of the federation's labels"), report);
        assertEquals(List.of("class 'dog' (" + dir.resolve("train/dog") + "): 2 training images, below the minimum of 3 "
                + "(--min-images-per-class); skipped, no module is trained for it"), d.skipped());
        assertEquals(List.of("cat=5", "owl=4"), d.trainedClasses(), "the skipped class is out of the training set");
    }

    @Test
    void theResizePolicyResizesEverySizeAndSaysWhichChangedAspectRatio() throws IOException {
        ImageTrees.write(dir.resolve("cat"), 3, "png", false, 16, 16, 1);
        ImageTrees.write(dir.resolve("dog"), 3, "png", true, 12, 8, 2);
        ImageTrees.write(dir.resolve("owl"), 3, "jpg", false, 8, 8, 3);
        SiteDataset refused = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 2));
        assertEquals(6, refused.refused().size(), RefusedFile.describe(refused.refused()));
        SiteDataset d = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.RESIZE, 2));
        assertEquals(List.of(), d.refused());
        assertTrue(d.notes().stream().anyMatch(n -> n.contains("6 images") && n.contains("resized to 8x8")
                && n.contains("3 from 12x8") && n.contains("3 from 16x16") && n.contains("3 of them changed aspect ratio")),
                d.notes().toString());
    }

    @Test
    void anEmptyTreeAndAMissingFolderAreRefusedNamingTheLayout() throws IOException {
        SiteDataset empty = SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3));
        assertEquals(1, empty.refused().size());
        assertTrue(empty.refused().get(0).why().startsWith("holds no images; expected <data>/<label>/*.png"),
                empty.refused().get(0).why());
        Files.createDirectories(dir.resolve("cat"));
        assertEquals(1, SiteData.read(dir, ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3)).refused().size(),
                "empty label folders are no images either");
        SiteDataset missing = SiteData.read(dir.resolve("nowhere"), ImageTrees.spec(1, 8), folder(SizePolicy.REFUSE, 3));
        assertEquals("does not exist", missing.refused().get(0).why());
    }

    @Test
    void cifarBatchesOfSomeClassesAreMatchedToTheFederationsLabelsByName() throws IOException {
        // Two records of class 3 ("cat") and one of class 5 ("dog"); the federation has no "dog"... but it has
        // cat, dog, owl; "owl" is absent from CIFAR and "dog" present: records are relabelled by name.
        byte[] batch = new byte[4 * 3073];
        int[] labels = {3, 3, 5, 0};
        for (int r = 0; r < labels.length; r++) {
            batch[r * 3073] = (byte) labels[r];
            for (int p = 1; p < 3073; p++) batch[r * 3073 + p] = (byte) (r * 40 + p % 7);
        }
        Files.write(dir.resolve("data_batch_2.bin"), batch);
        var spec = ImageTrees.spec(3, 32);
        SiteDataset d = SiteData.read(dir, spec, new DataOptions(SiteData.Format.CIFAR10, SizePolicy.REFUSE, 2, 0, 1));
        assertEquals(List.of("cat=2"), d.trainedClasses(), "dog has 1 record, below the minimum of 2");
        assertEquals(1, d.skipped().size(), d.skipped().toString());
        assertEquals(1, d.refused().size());
        assertEquals("1 records of class 'airplane', which is not one of the federation's labels [cat, dog, owl]",
                d.refused().get(0).why());
        Dataset train = d.train();
        assertEquals(0, train.label(0), "cat is label 0 of the federation");
    }
}
