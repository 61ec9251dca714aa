package io.fedfactory.bench;

import io.fedfactory.determinism.SplitMix64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentConfigTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    @Test
    void validationRunsOfTuningConfigsWriteUnderTuning() {
        assertEquals(Path.of("bench/results/tuning/ens-a"), Experiment.defaultOut(Path.of("bench/configs/tuning/ens-a.properties"), "ens-a"));
        assertEquals(Path.of("bench/results/fmnist"), Experiment.defaultOut(Path.of("bench/configs/fmnist.properties"), "fmnist"));
        assertEquals(Path.of("bench/results/x"), Experiment.defaultOut(Path.of("x.properties"), "x"));
    }

    @Test
    void readsEveryKeyAndFillsDefaults(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("e.properties");
        Files.writeString(file, "name=x1\nsplit=dirichlet\nsplit.alpha=0.5\nsites=4\nseeds=3, 4,5\n"
                + "methods=fedprox,ff-decoder\nsynthesis.decoderPerClass=77\ndecoder.klWeight=0.1\n"
                + "decoder.fittedPrior=true\ndecoder.priorTemperature=0.8\nclassifier.augmentation=crop-flip\n"
                + "latent.latentDim=32\ncentralized.inputBlur=1.5\nlatent.architecture=conv\nlatent.convWidth=16\n");
        ExperimentConfig c = ExperimentConfig.load(file);
        assertEquals("x1", c.name());
        assertEquals(0.5, c.dirichletAlpha());
        assertEquals(List.of(3L, 4L, 5L), c.seeds());
        assertEquals(List.of("fedprox", "ff-decoder"), c.methods());
        assertEquals(77, c.decoderPerClass());
        assertEquals("quick", c.recipe());
        assertEquals(0.1f, c.decoderKlWeight());
        assertTrue(c.decoderFittedPrior());
        assertEquals(0.8f, c.decoderPriorTemperature());
        assertEquals("crop-flip", c.classifierAugmentation());
        assertEquals(32, c.latent().latentDim());
        assertEquals(1.5, c.centralizedInputBlur());
        assertEquals("conv", c.latent().architecture());
        assertEquals("mlp", c.decoderLayers().architecture(), "the latent kind's layers are its own keys");
        assertEquals("centralized (pooled real data), input blur sigma 1.5 px", ResultsWriter.label(c, "centralized"));
        assertEquals(16, c.decoderLatent(), "the latent kind's latent size is its own key");
        assertEquals(16, ExperimentConfig.fromProperties(props()).latent().latentDim(), "by default the decoder kind's size");
        assertEquals(io.fedfactory.classifier.Augmentation.cropAndFlip(2), ExperimentRunner.recipe(c, 1).augmentation());
        assertEquals(io.fedfactory.classifier.ClassifierRecipe.quick().augmentation(),
                ExperimentRunner.recipe(ExperimentConfig.fromProperties(props()), 1).augmentation(),
                "by default every method trains with the recipe's own augmentation");
        assertEquals("0.5", c.asMap().get("split.alpha"));
        // The written settings read back to the same experiment.
        Properties again = new Properties();
        again.putAll(c.asMap());
        assertEquals(c, ExperimentConfig.fromProperties(again));
    }

    @Test
    void readsTheAutoencoderArchitectureAndTheMixturePrior() {
        ExperimentConfig c = ExperimentConfig.fromProperties(props("decoder.fittedPrior", "true",
                "decoder.architecture", "conv", "decoder.convWidth", "16", "decoder.priorComponents", "8"));
        assertEquals(new ExperimentConfig.DecoderLayers("conv", 16, 8), c.decoderLayers());
        var trainer = c.decoderLayers().applyTo(new io.fedfactory.generative.decoder.DecoderTrainingConfig(
                400, 16, 1, 64, 1e-3f, 1, 2, 0.1f, true, 1f));
        assertEquals(io.fedfactory.generative.decoder.Vae.Architecture.CONV, trainer.architecture());
        assertEquals(16, trainer.convWidth());
        assertEquals(8, trainer.priorComponents());
        ExperimentConfig defaults = ExperimentConfig.fromProperties(props());
        assertEquals(new ExperimentConfig.DecoderLayers("mlp", 32, 1), defaults.decoderLayers());
        assertMessage("decoder.architecture must be mlp or conv, got 'cnn'", props("decoder.architecture", "cnn"));
        assertMessage("decoder.convWidth must be a multiple of 4 in [4, 1024], got 6", props("decoder.convWidth", "6"));
        assertMessage("decoder.priorComponents needs decoder.fittedPrior=true", props("decoder.priorComponents", "4"));
        assertMessage("decoder.priorComponents must be in [1, 64], got 0",
                props("decoder.fittedPrior", "true", "decoder.priorComponents", "0"));
    }

    @Test
    void readsADatasetOfASiteFormatAndEveryCommittedConfigStillParses() throws IOException {
        ExperimentConfig c = ExperimentConfig.fromProperties(props("dataset", "npz", "dataset.path", "/data/blood.npz",
                "dataset.labels", "a, b,c", "dataset.imageSpec", "3x28x28", "dataset.sizePolicy", "resize",
                "dataset.holdout", "0.25", "dataset.holdoutSeed", "9", "classifier.augmentation", "crop"));
        assertEquals(new ExperimentConfig.DatasetFiles("/data/blood.npz", List.of("a", "b", "c"), "3x28x28", "resize", 0.25, 9),
                c.files());
        assertEquals(io.fedfactory.data.ImageSpec.unitRange(3, 28, 28), c.files().spec().orElseThrow());
        assertEquals(new io.fedfactory.classifier.Augmentation(2, false), ExperimentRunner.recipe(c, 1).augmentation(),
                "crop: random crops, no flips");
        Properties again = new Properties();
        again.putAll(c.asMap());
        assertEquals(c, ExperimentConfig.fromProperties(again), "the written settings read back");
        assertMessage("dataset=folder needs dataset.path", props("dataset", "folder"));
        assertMessage("dataset.path, dataset.labels and dataset.imageSpec are read only with dataset=cifar10|folder|idx|npz",
                props("dataset.path", "/x"));
        assertMessage("dataset must be one of [cifar10, fashion-mnist, folder, idx, mnist, npz], got 'png'", props("dataset", "png"));
        assertMessage("dataset.imageSpec must be CxHxW", props("dataset", "idx", "dataset.path", "/x", "dataset.imageSpec", "28x28"));
        assertMessage("dataset.imageSpec 2x8x8: image spec: channels must be 1 or 3, got 2",
                props("dataset", "idx", "dataset.path", "/x", "dataset.imageSpec", "2x8x8"));
        assertMessage("dataset.labels lists a class twice", props("dataset", "idx", "dataset.path", "/x", "dataset.labels", "a,a"));
        assertMessage("dataset.holdout must be in [0, 0.9], got 0.95",
                props("dataset", "idx", "dataset.path", "/x", "dataset.holdout", "0.95"));
        assertMessage("dataset.sizePolicy must be one of [refuse, resize], got 'crop'",
                props("dataset", "idx", "dataset.path", "/x", "dataset.sizePolicy", "crop"));
        // The committed experiments and tuning runs parse, and read the bundled data as before.
        try (var configs = Files.walk(Path.of("bench/configs"))) {
            List<Path> files = configs.filter(p -> p.toString().endsWith(".properties")).toList();
            assertTrue(files.stream().anyMatch(f -> f.getParent().endsWith("tuning")), "tuning runs are read too: " + files);
            for (Path f : files) {
                ExperimentConfig committed = ExperimentConfig.load(f);
                assertTrue(Set.of("fashion-mnist", "mnist").contains(committed.dataset()), f.toString());
                assertEquals("", committed.files().path(), f.toString());
            }
        }
    }

    @Test
    void unknownKeyIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.fromProperties(props("decoder.epoch", "5")));
        assertTrue(e.getMessage().contains("unknown key 'decoder.epoch'"), e.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndTheLimit(@TempDir Path dir) throws IOException {
        assertMessage("sites must be in [1, 1000], got 0", props("split", "dirichlet", "sites", "0"));
        assertMessage("methods must be one of", props("methods", "centralized,fedsgd"));
        assertMessage("fedavg.rounds must be an integer, got 'three'", props("fedavg.rounds", "three"));
        assertMessage("split.alpha must be in (0, 1000], got -1.0", props("split", "dirichlet", "split.alpha", "-1"));
        assertMessage("seeds lists a seed twice", props("seeds", "1,1"));
        assertMessage("decoder.klWeight must be in (0, 100], got 0.0", props("decoder.klWeight", "0"));
        assertMessage("latent.latentDim must be in [1, 4096], got 0", props("latent.latentDim", "0"));
        assertMessage("centralized.inputBlur must be ", props("centralized.inputBlur", "-1"));
        assertMessage("latent.architecture must be mlp or conv, got 'unet'", props("latent.architecture", "unet"));
        assertMessage("latent.convWidth must be a multiple of 4 in [4, 1024], got 6", props("latent.convWidth", "6"));
        assertMessage("decoder.fittedPrior must be true or false, got 'yes'", props("decoder.fittedPrior", "yes"));
        assertMessage("decoder.priorTemperature needs decoder.fittedPrior=true", props("decoder.priorTemperature", "0.5"));
        assertMessage("decoder.priorTemperature must be in (0, 2], got 2.5",
                props("decoder.fittedPrior", "true", "decoder.priorTemperature", "2.5"));
        assertMessage("classifier.augmentation must be one of [crop, crop-flip, none, recipe], got 'flip'",
                props("classifier.augmentation", "flip"));
        assertMessage("evaluation must be one of [test, validation], got 'train'", props("evaluation", "train"));
        assertMessage("fedavg.evaluateEveryRound=true reads the evaluation split after every round, which may only be the"
                + " validation split (evaluation=validation), got evaluation=test", props("fedavg.evaluateEveryRound", "true"));
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "diffusion.samplerSteps=0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.load(file));
        assertTrue(e.getMessage().contains("bad.properties") && e.getMessage().contains("diffusion.samplerSteps must be in [1, 1000], got 0"),
                e.getMessage());
    }

    @Test
    void seedsDeriveByPurposeAndExperimentSeed() {
        assertEquals(SplitMix64.derive(1, "classifier"), SplitMix64.derive(1, "classifier"));
        assertNotEquals(SplitMix64.derive(1, "classifier"), SplitMix64.derive(2, "classifier"));
        assertNotEquals(SplitMix64.derive(1, "classifier"), SplitMix64.derive(1, "synthesis/decoder"));
    }

    private static void assertMessage(String expected, Properties p) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExperimentConfig.fromProperties(p));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
