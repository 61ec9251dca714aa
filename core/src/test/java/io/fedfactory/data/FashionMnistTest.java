package io.fedfactory.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real Fashion-MNIST and MNIST files shipped in kotlin-deeplearning-api 0.1.1. */
class FashionMnistTest {

    private static Dataset train;

    @BeforeAll
    static void loadTrain() throws IOException {
        train = FashionMnist.load(Split.TRAIN);
    }

    @Test
    void trainSplitHasThePublishedShapeAndBalance() {
        assertEquals(60_000, train.size());
        assertEquals(ImageSpec.unitRange(1, 28, 28), train.spec());
        assertEquals("fashion-mnist-train", train.name());
        assertEquals(FashionMnist.LABEL_NAMES, train.labelNames());
        for (int count : train.classCounts()) assertEquals(6_000, count);
        assertEquals(9, train.label(0));
        assertEquals("Ankle boot", train.labelNames().get(train.label(0)));
    }

    @Test
    void pixelsSpanTheUnitRangeAndLookLikeImages() {
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        double sum = 0;
        for (float v : train.pixelsView()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        double mean = sum / train.pixelsView().length;
        // The published per-pixel mean of Fashion-MNIST train is 0.2860.
        assertEquals(0.2860, mean, 5e-4);
        // Image borders are background: the first row of the first image is all zeros.
        float[] first = train.image(0);
        for (int x = 0; x < 28; x++) assertEquals(0f, first[x]);
    }

    @Test
    void testSplitHasTenThousandBalancedImages() throws IOException {
        Dataset test = FashionMnist.load(Split.TEST);
        assertEquals(10_000, test.size());
        assertEquals(ImageSpec.unitRange(1, 28, 28), test.spec());
        for (int count : test.classCounts()) assertEquals(1_000, count);
    }

    @Test
    void directoryCopyOfTheFilesLoadsIdentically(@TempDir Path dir) throws IOException {
        for (String f : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("datasets/fashionmnist/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Dataset fromDir = FashionMnist.fromDirectory(dir, Split.TEST);
        Dataset fromJar = FashionMnist.load(Split.TEST);
        assertArrayEquals(fromJar.labels(), fromDir.labels());
        assertArrayEquals(fromJar.pixelsView(), fromDir.pixelsView(), 0f);

        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> FashionMnist.fromDirectory(dir, Split.TRAIN));
        assertTrue(missing.getMessage().contains("train-images-idx3-ubyte"), missing.getMessage());
    }

    @Test
    void debianPackageDirectoryLoadsWhenInstalled() throws IOException {
        // Reported as skipped on machines without the dataset-fashion-mnist package.
        assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIRECTORY), "no " + FashionMnist.DEBIAN_DIRECTORY);
        assertEquals(10_000, FashionMnist.fromDirectory(FashionMnist.DEBIAN_DIRECTORY, Split.TEST).size());
    }

    @Test
    void mnistLoadsFromTheSameArtifact() throws IOException {
        Dataset test = Mnist.load(Split.TEST);
        assertEquals(10_000, test.size());
        assertEquals(ImageSpec.unitRange(1, 28, 28), test.spec());
        assertEquals("mnist-test", test.name());
        // MNIST's first test image is the well-known "7".
        assertEquals(7, test.label(0));
        assertEquals("7", test.labelNames().get(7));
    }

    @Test
    void missingResourceSaysWhichArtifactToAdd() throws Exception {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // A loader that sees nothing, and a collection pointing where nothing lies, stand in for a
        // classpath without the artifact.
        IdxCollection absent = new IdxCollection("x", "Fashion-MNIST", "datasets/not-there", FashionMnist.LABEL_NAMES);
        try {
            Thread.currentThread().setContextClassLoader(new ClassLoader(null) {});
            FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> absent.fromClasspath(Split.TRAIN));
            assertTrue(e.getMessage().contains("org.jetbrains.kotlinx:kotlin-deeplearning-api:0.1.1"), e.getMessage());
            assertTrue(e.getMessage().contains("datasets/not-there/train-images-idx3-ubyte.gz"), e.getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(Split.VALIDATION));
    }
}
