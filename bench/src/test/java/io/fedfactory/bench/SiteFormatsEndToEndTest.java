package io.fedfactory.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fedfactory.data.site.ImageTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark on the formats a site keeps its data in, on small files this test writes: an RGB
 * image-folder tree, a MedMNIST-style .npz and a CIFAR-10 batch, each with classes a classifier tells
 * apart after a few steps; every method runs on at least one of them, with tiny budgets. Bad files stop
 * the run before training, naming the file and the fault.
 */
class SiteFormatsEndToEndTest {

    /** Tiny budgets of every method; each test adds its data and methods. */
    private static final List<String> TINY = List.of("split=silo", "sites=0", "seeds=3", "modules.minImages=5",
            "classifier.epochs=4", "fedavg.rounds=1", "decoder.epochs=1", "decoder.hiddenWidth=32", "decoder.latentDim=4",
            "latent.denoiserWidth=16", "latent.denoiserSteps=2", "latent.samplerSteps=2", "synthesis.latentPerClass=10",
            "diffusion.width=4", "diffusion.steps=2", "diffusion.batchSize=8", "diffusion.samplerSteps=2",
            "synthesis.decoderPerClass=10", "synthesis.diffusionPerClass=2", "poe.perClass=3", "grid.perClass=2");

    private static JsonObject run(Path dir, String... settings) throws Exception {
        Path config = dir.resolve("site.properties");
        List<String> lines = new java.util.ArrayList<>(TINY);
        lines.addAll(Arrays.asList(settings));
        Files.writeString(config, String.join("\n", lines) + "\n");
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, Experiment.run(new String[] {"--config", config.toString(), "--out", out.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8)), log.toString(StandardCharsets.UTF_8));
        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(0, results.getAsJsonArray("failures").size(), results.getAsJsonArray("failures").toString());
        results.getAsJsonObject("summary").entrySet().forEach(m -> System.out.println(results.get("experiment").getAsString()
                + " " + m.getKey() + " accuracy " + m.getValue().getAsJsonObject().getAsJsonObject("accuracy").get("mean")));
        return results;
    }

    private static double accuracy(JsonObject results, String method) {
        return results.getAsJsonObject("summary").getAsJsonObject(method).getAsJsonObject("accuracy").get("mean").getAsDouble();
    }

    @Test
    void anRgbImageFolderTreeOfAnotherSizeRunsEveryPixelMethodAndDrawsColourGrids(@TempDir Path dir) throws Exception {
        ImageTrees.colourTree(dir.resolve("tree/train"), 30, 16, 1);
        ImageTrees.colourTree(dir.resolve("tree/test"), 10, 16, 2);
        JsonObject results = run(dir, "name=folder", "dataset=folder", "dataset.path=" + dir.resolve("tree"),
                "methods=centralized,fedavg,ff-decoder,ff-latent-diffusion,ff-diffusion");
        JsonObject train = results.getAsJsonObject("train");
        assertEquals("3x16x16 in [0.0, 1.0]", train.get("imageSpec").getAsString(), "the spec is read from the images");
        assertEquals("[\"blue\",\"green\",\"red\"]", train.getAsJsonArray("labels").toString(), "classes are the folders");
        assertEquals(90, train.get("images").getAsInt());
        assertTrue(results.getAsJsonObject("evaluation").get("description").getAsString().contains("the test folder"),
                results.getAsJsonObject("evaluation").toString());
        assertEquals(30, results.getAsJsonObject("evaluation").get("images").getAsInt(), "the tree's own test split");
        // Three colours, one bright channel each: the pooled classifier must find it (chance is 1/3).
        assertTrue(accuracy(results, "centralized") >= 0.8, "centralized " + accuracy(results, "centralized"));

        Path out = dir.resolve("out");
        for (String png : List.of("samples-real.png", "samples-decoder.png", "samples-latent-diffusion.png",
                "samples-diffusion.png")) {
            BufferedImage grid = ImageIO.read(out.resolve(png).toFile());
            // One row per class of 16 x 3 pixels and a 2-pixel gap; the cells are 48 pixels wide.
            assertEquals(2 + 3 * (16 * 3 + 2), grid.getHeight(), png);
            assertTrue(grid.getWidth() >= 2 + 2 * (16 * 3 + 2), png);
        }
        // The real grid is drawn in colour: the first cell of the first row (blue) is blue.
        BufferedImage real = ImageIO.read(out.resolve("samples-real.png").toFile());
        int x0 = real.getWidth() - 2 * (16 * 3 + 2);
        int rgb = real.getRGB(x0 + 24, 2 + 24);
        int red = (rgb >> 16) & 0xFF, green = (rgb >> 8) & 0xFF, blue = rgb & 0xFF;
        assertTrue(blue > 150 && red < 100 && green < 100, "blue row pixel " + Integer.toHexString(rgb));
    }

    @Test
    void aGreyMedMnistArchiveWithItsTestSplitRunsFedProxDiffusionAndValidation(@TempDir Path dir) throws Exception {
        int[] train = new int[3 * 60];
        for (int i = 0; i < train.length; i++) train[i] = i % 3;
        int[] test = new int[3 * 8];
        for (int i = 0; i < test.length; i++) test[i] = i % 3;
        Path npz = dir.resolve("tissuemnist-tiny.npz");
        ImageTrees.separableNpz(npz, 12, train, test, 5);
        // Grey levels are what tells these classes apart, and BatchNorm's running statistics need some 60
        // steps (batch 128) before evaluation sees the levels training saw: with 8 steps every image went to one class.
        JsonObject results = run(dir, "name=npz", "dataset=npz", "dataset.path=" + npz, "dataset.labels=low,mid,high",
                "methods=centralized,fedprox,ff-diffusion", "classifier.epochs=30");
        assertEquals("1x12x12 in [0.0, 1.0]", results.getAsJsonObject("train").get("imageSpec").getAsString());
        assertEquals("[\"low\",\"mid\",\"high\"]", results.getAsJsonObject("train").getAsJsonArray("labels").toString());
        assertEquals(24, results.getAsJsonObject("evaluation").get("images").getAsInt(), "the archive's test arrays");
        assertTrue(results.getAsJsonObject("evaluation").get("description").getAsString().contains("test_images.npy"));
        assertTrue(accuracy(results, "centralized") >= 0.8, "centralized " + accuracy(results, "centralized"));

        // Validation holds out a seeded part of every TRAIN class and reads no test image.
        Files.delete(dir.resolve("out/results.json"));
        JsonObject validation = run(dir, "name=npz-validation", "dataset=npz", "dataset.path=" + npz,
                "evaluation=validation", "validation.size=15", "methods=centralized");
        assertEquals(165, validation.getAsJsonObject("train").get("images").getAsInt());
        assertEquals(15, validation.getAsJsonObject("evaluation").get("images").getAsInt());
        assertEquals("[\"0\",\"1\",\"2\"]", validation.getAsJsonObject("train").getAsJsonArray("labels").toString(),
                "without dataset.labels the classes are numbered");
    }

    @Test
    void aCifarBatchWithoutATestBatchHoldsOutASeededTestSplitAndRunsLocalMode(@TempDir Path dir) throws Exception {
        int[] labels = new int[3 * 25];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 3;
        ImageTrees.separableCifarBatch(dir.resolve("cifar/data_batch_1.bin"), labels, 9);
        JsonObject results = run(dir, "name=cifar", "dataset=cifar10", "dataset.path=" + dir.resolve("cifar"),
                "dataset.labels=airplane,automobile,bird", "classifier.augmentation=crop", "methods=centralized,ff-poe,ff-decoder");
        assertEquals("3x32x32 in [0.0, 1.0]", results.getAsJsonObject("train").get("imageSpec").getAsString());
        // A fifth of each class of 25 held out: 5 per class.
        assertEquals(15, results.getAsJsonObject("evaluation").get("images").getAsInt());
        assertEquals(60, results.getAsJsonObject("train").get("images").getAsInt());
        String md = Files.readString(dir.resolve("out/results.md"));
        assertTrue(md.contains("held out: 20% of each class"), md);
        assertTrue(md.contains("augmentation crop"), md);
        assertTrue(results.getAsJsonObject("summary").has("ff-poe"));
    }

    @Test
    void badFilesStopTheRunBeforeTrainingNamingTheFileAndTheFault(@TempDir Path dir) throws Exception {
        // A truncated archive.
        Path npz = dir.resolve("cut.npz");
        ImageTrees.separableNpz(npz, 8, new int[] {0, 1, 0, 1}, null, 1);
        byte[] whole = Files.readAllBytes(npz);
        Files.write(npz, Arrays.copyOf(whole, whole.length / 2));
        DatasetRefusedException e = assertThrows(DatasetRefusedException.class,
                () -> run(dir, "name=bad", "dataset=npz", "dataset.path=" + npz, "methods=centralized"));
        assertTrue(e.getMessage().contains(npz.toString()) && e.getMessage().contains("not a readable zip archive"), e.getMessage());

        // A CIFAR-10 batch whose last record is cut short.
        Path cifar = dir.resolve("cifar");
        ImageTrees.separableCifarBatch(cifar.resolve("data_batch_1.bin"), new int[] {0, 1, 2}, 1);
        byte[] batch = Files.readAllBytes(cifar.resolve("data_batch_1.bin"));
        Files.write(cifar.resolve("data_batch_1.bin"), Arrays.copyOf(batch, batch.length - 100));
        e = assertThrows(DatasetRefusedException.class, () -> run(dir, "name=bad", "dataset=cifar10",
                "dataset.path=" + cifar, "methods=centralized"));
        assertTrue(e.getMessage().contains(cifar.resolve("data_batch_1.bin").toString())
                && e.getMessage().contains("truncated record 2: expected 3073 bytes"), e.getMessage());

        // A text file named .png among good images: every other image is fine, the run still stops.
        Path tree = dir.resolve("tree");
        ImageTrees.colourTree(tree, 3, 8, 1);
        Files.writeString(tree.resolve("green/001.png"), "not an image");
        e = assertThrows(DatasetRefusedException.class, () -> run(dir, "name=bad", "dataset=folder",
                "dataset.path=" + tree, "methods=centralized"));
        assertEquals(1, e.refused().size(), e.getMessage());
        assertTrue(e.getMessage().contains(tree.resolve("green/001.png").toString())
                && e.getMessage().contains("is not a PNG or JPEG image"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("out/results.json")), "nothing was trained or written");
    }

    @Test
    void aMethodThatCannotTakeTheImageSizeStopsBeforeTrainingAndSaysHowToResize(@TempDir Path dir) throws Exception {
        ImageTrees.colourTree(dir.resolve("tree"), 4, 10, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(dir, "name=odd",
                "dataset=folder", "dataset.path=" + dir.resolve("tree"), "methods=centralized,ff-diffusion"));
        assertTrue(e.getMessage().startsWith("method ff-diffusion cannot be built for images of 3x10x10")
                && e.getMessage().contains("dataset.sizePolicy=resize"), e.getMessage());
    }
}
