package io.fedfactory.client.training;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.GenerativeModuleTrainer;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.latent.LatentDiffusionTrainer;
import io.fedfactory.generative.latent.LatentDiffusionTrainingConfig;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.diffusion.DiffusionTrainer;
import io.fedfactory.generative.diffusion.DiffusionTrainingConfig;
import io.fedfactory.privacy.DpSgdConfig;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains one generative module per local class (the method's unit), one after another: DJL's
 * training state is process-wide. Prints a progress line per module.
 */
public final class ModuleTraining {

    /** What to train: the module kind and its size. */
    public record Plan(String kind, int decoderEpochs, int diffusionSteps, int diffusionWidth, long seed, int threads) {
        public Plan {
            if (!kind.equals("decoder") && !kind.equals("diffusion") && !kind.equals("latent-diffusion")) {
                throw new IllegalArgumentException("--kind must be decoder, diffusion or latent-diffusion, got '" + kind + "'");
            }
        }

        static final float DECODER_KL_WEIGHT = 0.1f;
        /** The benchmark's latent-diffusion settings (run lbl-a, config fmnist-silo10-latent-blur; ModuleTrainingTest compares). */
        static final float LATENT_KL_WEIGHT = 0.02f;
        static final int LATENT_DENOISER_STEPS = 4000;
        static final int DECODER_HIDDEN = 400;
        static final int DECODER_LATENT = 16;
        static final int BATCH = 64;

        /**
         * Training throughput at one thread, images per second for 28x28x1 images, and the time a module
         * takes besides (fitting the prior, export), scaled by pixels and width. The decoder figures are
         * measured by ModuleTrainingTest (it prints them) on a shared 2-core machine under heavy load, so
         * an idle machine is faster; the diffusion figure for width 32 is from the project's REFERENCE.
         * Rough: a dry run's estimate, not a promise.
         */
        static final double DECODER_IMAGES_PER_SECOND_28X28 = 600;
        static final double MODULE_SECONDS = 1.5;
        static final double DIFFUSION_IMAGES_PER_SECOND_28X28_WIDTH32 = 510;
        /**
         * Denoiser steps per second of a latent-diffusion module (width 256, 2 blocks), beyond its
         * autoencoder: bench/results/fmnist-silo10-latent took about 96 s for 4,000 steps.
         */
        static final double LATENT_DENOISER_STEPS_PER_SECOND = 40;

        /** Seconds training a module on {@code images} images of {@code pixels} values should take. */
        public double estimatedSeconds(int images, int pixels) {
            double scale = 784.0 / pixels;
            double autoencoder = (double) images * decoderEpochs / (DECODER_IMAGES_PER_SECOND_28X28 * scale);
            return MODULE_SECONDS + switch (kind) {
                case "decoder" -> autoencoder;
                case "latent-diffusion" -> autoencoder + LATENT_DENOISER_STEPS / LATENT_DENOISER_STEPS_PER_SECOND;
                default -> (double) diffusionSteps * BATCH
                        / (DIFFUSION_IMAGES_PER_SECOND_28X28_WIDTH32 * scale * 32.0 / diffusionWidth);
            };
        }

        /**
         * Bytes of one exported decoder module (its float weights plus the graph); -1 for the diffusion
         * kinds, known after training.
         */
        public long estimatedBytes(int pixels) {
            if (!kind.equals("decoder")) return -1;
            long h = DECODER_HIDDEN, l = DECODER_LATENT, p = pixels;
            return 4 * (l * h + h + h * h + h + h * p + p + l * l + l) + 4096;
        }

        /**
         * The trainer of {@code classIndex} at {@code siteId} with DP-SGD: the plain trainer's module, except
         * that the decoder uses the standard-normal prior (the fitted prior would read the images outside
         * DP-SGD) and latent diffusion trains both its phases privately and leaves its latents unstandardized.
         */
        GenerativeModuleTrainer privateTrainer(String siteId, int classIndex, DpSgdConfig privacy) {
            long classSeed = classSeed(siteId, classIndex);
            return switch (kind) {
                case "decoder" -> new DecoderTrainer(new DecoderTrainingConfig(DECODER_HIDDEN, DECODER_LATENT,
                        decoderEpochs, BATCH, 1e-3f, classSeed, threads).withKlWeight(DECODER_KL_WEIGHT), privacy);
                case "latent-diffusion" -> new LatentDiffusionTrainer(latentDiffusion(classSeed), privacy);
                default -> new DiffusionTrainer(diffusion(classSeed), privacy);
            };
        }

        /**
         * The module's seed: derived from the site's seed, the site id and the class, so two sites with the
         * same --seed train unrelated modules.
         */
        long classSeed(String siteId, int classIndex) {
            return SplitMix64.derive(seed, "module", siteId, classIndex);
        }

        /** The trainer of the module for {@code classIndex} at {@code siteId}. */
        GenerativeModuleTrainer trainer(String siteId, int classIndex) {
            long classSeed = classSeed(siteId, classIndex);
            if (kind.equals("latent-diffusion")) return new LatentDiffusionTrainer(latentDiffusion(classSeed));
            return kind.equals("decoder")
                    // The benchmark's decoder (bench/configs/fmnist-silo10.properties, chosen on validation data):
                    // KL weight 0.1 for sharper decodes, and a Gaussian fitted to the site's own latents as prior.
                    ? new DecoderTrainer(new DecoderTrainingConfig(DECODER_HIDDEN, DECODER_LATENT, decoderEpochs, BATCH,
                            1e-3f, classSeed, threads).withKlWeight(DECODER_KL_WEIGHT).withFittedPrior(1f))
                    : new DiffusionTrainer(diffusion(classSeed));
        }

        /**
         * The benchmark's latent-diffusion modules (bench/results/NOTES.md, rounds 3 and 10): the decoder's
         * autoencoder at KL weight 0.02 without a fitted prior, an EDM denoiser (width 256, 2 blocks, 4,000 steps,
         * 32 Heun steps) on its latents in its place.
         */
        LatentDiffusionTrainingConfig latentDiffusion(long classSeed) {
            DecoderTrainingConfig autoencoder = new DecoderTrainingConfig(DECODER_HIDDEN, DECODER_LATENT, decoderEpochs,
                    BATCH, 1e-3f, classSeed, threads).withKlWeight(LATENT_KL_WEIGHT);
            return LatentDiffusionTrainingConfig.defaults(autoencoder).withDenoiser(256, 2, LATENT_DENOISER_STEPS);
        }

        private DiffusionTrainingConfig diffusion(long classSeed) {
            return new DiffusionTrainingConfig(diffusionWidth, diffusionSteps, BATCH, 1e-3f, -0.8, 1.6,
                    DiffusionSampling.edmDefaults(), classSeed, threads);
        }
    }

    public static List<TrainedModule> trainAll(Dataset local, String siteId, Plan plan, PrintStream out) {
        return trainAll(local, siteId, plan, null, out);
    }

    /** As {@link #trainAll(Dataset, String, Plan, PrintStream)}, with DP-SGD unless {@code privacy} is null. */
    public static List<TrainedModule> trainAll(Dataset local, String siteId, Plan plan, DpSgdConfig privacy,
                                               PrintStream out) {
        int[] counts = local.classCounts();
        List<TrainedModule> modules = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) continue;
            Dataset oneClass = Datasets.filterClasses(local, siteId + "/" + local.labelNames().get(c), c);
            GenerativeModuleTrainer trainer = privacy == null ? plan.trainer(siteId, c)
                    : plan.privateTrainer(siteId, c, privacy);
            String name = local.labelNames().get(c);
            long t0 = System.nanoTime();
            long[] lastPrint = {t0};
            TrainedModule m = trainer.train(oneClass, siteId, (step, loss) -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] > 2_000_000_000L) {
                    out.printf("  [%s] %s module for '%s': step %d, loss %.4f, %.0f s%n", siteId, plan.kind(), name,
                            step + 1, loss, (now - t0) / 1e9);
                    lastPrint[0] = now;
                }
            });
            out.printf("  [%s] %s module for '%s' trained on %d images in %.1f s: %s (%d bytes)%n", siteId, plan.kind(),
                    name, counts[c], (System.nanoTime() - t0) / 1e9, m.id().substring(0, 12), m.onnx().length);
            modules.add(m);
        }
        return modules;
    }

    private ModuleTraining() {
    }
}
