package io.fedfactory.data.site;

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

    /** A MedMNIST-style archive with a train split only: uint8 grey images (N, H, W) and labels (N, 1). */
    static void npz(Path file, int side, int[] labels) throws IOException {
        int n = labels.length;
        byte[] images = new byte[n * side * side];
        for (int i = 0; i < images.length; i++) images[i] = (byte) ((i * 37 + i / (side * side) * 11) & 0xFF);
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) lb[i] = (byte) labels[i];
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("train_images.npy"));
            zip.write(ImageTrees.npy("|u1", "(" + n + ", " + side + ", " + side + ")", images));
            zip.putNextEntry(new java.util.zip.ZipEntry("train_labels.npy"));
            zip.write(ImageTrees.npy("|u1", "(" + n + ", 1)", lb));
        }
    }

    @Test
    void aMedMnistArchiveOfSomeClassesWithoutATestSplitHoldsOutPartOfEach() throws IOException {
        Path file = dir.resolve("site.npz");
        npz(file, 8, new int[] {2, 2, 2, 2, 2, 0, 0, 0, 0, 0});  // owl and cat; no dog
        SiteDataset d = SiteData.read(file, ImageTrees.spec(1, 8), new DataOptions(SiteData.Format.NPZ, SizePolicy.REFUSE, 3, 0.2, 1));
        assertEquals(List.of(), d.refused());
        assertEquals(List.of("cat=4", "owl=4"), d.trainedClasses());
        assertEquals(List.of("cat=1", "owl=1"), d.testClasses());
        SiteDataset wrongSize = SiteData.read(file, ImageTrees.spec(1, 16), new DataOptions(SiteData.Format.NPZ,
                SizePolicy.REFUSE, 3, 0.2, 1));
        assertEquals(1, wrongSize.refused().size());
        assertTrue(wrongSize.refused().get(0).why().startsWith("images are 8x8 (width x height) but the federation's are 16x16"),
                wrongSize.refused().get(0).why());
        SiteDataset resized = SiteData.read(file, ImageTrees.spec(1, 16), new DataOptions(SiteData.Format.NPZ,
                SizePolicy.RESIZE, 3, 0.2, 1));
        assertEquals(16, resized.train().spec().height());
        assertTrue(resized.notes().get(0).contains("resized from 8x8 (width x height) to 16x16"), resized.notes().toString());
        npz(file, 8, new int[] {0, 0, 0, 7});
        SiteDataset outside = SiteData.read(file, ImageTrees.spec(1, 8), new DataOptions(SiteData.Format.NPZ,
                SizePolicy.REFUSE, 2, 0, 1));
        assertEquals(1, outside.refused().size());
        assertTrue(outside.refused().get(0).why().contains("label[3] = 7 is outside [0, 3)"), outside.refused().get(0).why());
    }

    @Test
    void cifarBatchesOfSomeClassesAreMatchedToTheFederationsLabelsByName() throws IOException {
        // CIFAR-10 labels 3 ("cat"), 5 ("dog") and 0 ("airplane") against a federation of cat, dog, owl:
        // records are relabelled by class name, and the airplane record is refused.
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

    @Test
    void inspectReadsTheClassesAndImageSpecFromTheDataAndNamesABadFirstFile() throws IOException {
        ImageTrees.colourTree(dir.resolve("tree/train"), 2, 12, 1);
        ImageTrees.write(dir.resolve("tree/test/owl"), 1, "png", true, 12, 12, 2);
        SiteData.Contents folder = SiteData.inspect(dir.resolve("tree"), SiteData.Format.FOLDER);
        assertEquals(List.of("blue", "green", "owl", "red"), folder.labels(), "the folders of train/ and test/, by name");
        assertEquals(io.fedfactory.data.ImageSpec.unitRange(3, 12, 12), folder.spec());
        Path npz = dir.resolve("grey.npz");
        ImageTrees.separableNpz(npz, 6, new int[] {0, 2, 1}, null, 3);
        SiteData.Contents arrays = SiteData.inspect(npz, SiteData.Format.NPZ);
        assertEquals(List.of("0", "1", "2"), arrays.labels());
        assertEquals(io.fedfactory.data.ImageSpec.unitRange(1, 6, 6), arrays.spec());
        assertEquals(io.fedfactory.data.Cifar10.LABEL_NAMES, SiteData.inspect(dir, SiteData.Format.CIFAR10).labels());
        Files.writeString(dir.resolve("tree/train/blue/000.png"), "not an image");
        io.fedfactory.data.MalformedDataException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.fedfactory.data.MalformedDataException.class, () -> SiteData.inspect(dir.resolve("tree"), SiteData.Format.FOLDER));
        assertEquals(dir.resolve("tree/train/blue/000.png").toString(), e.source());
        assertTrue(e.getMessage().contains("is not a PNG or JPEG image"), e.getMessage());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.FileNotFoundException.class,
                () -> SiteData.inspect(dir.resolve("nowhere"), SiteData.Format.IDX)).getMessage().endsWith("does not exist"));
    }
}
