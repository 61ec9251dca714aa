package io.fedfactory.client.training;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.GenerativeModuleTrainer;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.privacy.DpGuarantee;
import io.fedfactory.privacy.DpSgdConfig;
import io.fedfactory.privacy.RdpAccountant;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dry run's figures against a real training: the decoder's size exactly, its time printed for the record. */
class ModuleTrainingTest {

    static Dataset images(int n, int side) {
        SplittableRandom r = new SplittableRandom(5);
        float[] px = new float[n * side * side];
        for (int i = 0; i < px.length; i++) px[i] = (float) r.nextDouble();
        return new Dataset("random", ImageSpec.unitRange(1, side, side), List.of("a", "b"), px, new int[n]);
    }

    static double secondsToTrain(int n, int side, int epochs, List<TrainedModule> out) {
        ModuleTraining.Plan plan = new ModuleTraining.Plan("decoder", epochs, 1, 16, 1, 1);
        long t0 = System.nanoTime();
        out.addAll(ModuleTraining.trainAll(images(n, side), "site-x", plan, new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8)));
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void theDryRunsModuleSizeIsThatOfATrainedDecoderAndItsTimeIsPrinted() {
        int n = 256, side = 28;
        List<TrainedModule> modules = new java.util.ArrayList<>();
        secondsToTrain(n, side, 1, modules); // loads the engine
        double one = secondsToTrain(n, side, 1, modules);
        double four = secondsToTrain(n, side, 4, modules);
        double rate = 3.0 * n / (four - one);
        ModuleTraining.Plan plan = new ModuleTraining.Plan("decoder", 4, 1, 16, 1, 1);
        System.out.printf("decoder on %d images of %dx%d at 1 thread: 1 epoch %.2f s, 4 epochs %.2f s: %.0f images/s and "
                        + "%.2f s per module besides (the dry run assumes %.0f images/s and %.1f s); the dry run says %.1f s "
                        + "for the 4 epochs%n", n, side, side, one, four, rate, one - n / rate,
                ModuleTraining.Plan.DECODER_IMAGES_PER_SECOND_28X28, ModuleTraining.Plan.MODULE_SECONDS,
                plan.estimatedSeconds(n, side * side));
        assertEquals(3, modules.size(), "one module for the one class held, per training");
        long actual = modules.get(2).onnx().length;
        long estimate = plan.estimatedBytes(side * side);
        System.out.printf("decoder module: %d bytes, the dry run says %d%n", actual, estimate);
        assertTrue(Math.abs(actual - estimate) < 0.02 * actual, "estimate " + estimate + " vs " + actual + " bytes");
    }

    @Test
    void theSitesLatentDiffusionModuleIsTheBenchmarksCommittedOne() throws Exception {
        Properties bench = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("../bench/configs/fmnist-silo10-latent-blur.properties"))) {
            bench.load(r);
        }
        var c = new ModuleTraining.Plan("latent-diffusion", 15, 1, 8, 1, 1).latentDiffusion(7);
        assertEquals(Float.parseFloat(bench.getProperty("latent.klWeight")), c.autoencoder().klWeight(), "latent.klWeight");
        assertEquals(Integer.parseInt(bench.getProperty("latent.denoiserSteps")), c.steps(), "latent.denoiserSteps");
        assertEquals(Integer.parseInt(bench.getProperty("latent.denoiserWidth")), c.width(), "latent.denoiserWidth");
        assertEquals(Integer.parseInt(bench.getProperty("latent.denoiserBlocks")), c.blocks(), "latent.denoiserBlocks");
        assertEquals(Integer.parseInt(bench.getProperty("latent.samplerSteps")), c.sampling().diffusion().steps(), "latent.samplerSteps");
        assertEquals(Integer.parseInt(bench.getProperty("decoder.hiddenWidth")), c.autoencoder().hiddenWidth(), "decoder.hiddenWidth");
        // The bench's latent.latentDim defaults to 16, the decoder kind's latent size.
        assertEquals(Integer.parseInt(bench.getProperty("latent.latentDim", "16")), c.autoencoder().latentDim(), "latent.latentDim");
    }

    @Test
    void everyKindHasAPrivateTrainerAndAPrivateDiffusionModuleCarriesItsGuarantee() {
        DpSgdConfig dp = new DpSgdConfig(1.1, 1.0, 8, 1e-5);
        for (String kind : List.of("decoder", "diffusion", "latent-diffusion")) {
            GenerativeModuleTrainer trainer = new ModuleTraining.Plan(kind, 1, 3, 8, 1, 1).privateTrainer("site-x", 0, dp);
            assertEquals(kind, trainer.kind().wireName(), "the private trainer of --kind " + kind);
        }
        List<TrainedModule> modules = ModuleTraining.trainAll(images(128, 28), "site-x",
                new ModuleTraining.Plan("diffusion", 1, 3, 8, 1, 1), dp,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        DpGuarantee g = DpGuarantee.fromProvenance(modules.get(0).manifest().provenance().hyperparameters()).orElseThrow();
        assertEquals(3, g.steps());
        assertEquals(64 / 128.0, g.samplingRate(), 1e-15, "expected batch 64 of the class's 128 images");
        assertEquals(new RdpAccountant().compose(0.5, 0.55, 3).epsilon(1e-5).epsilon(), g.epsilon(), 1e-12);
    }
}
