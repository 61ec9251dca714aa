package io.fedfactory.client.training;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.generative.GenerativeModuleTrainer;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.diffusion.DiffusionTrainer;
import io.fedfactory.generative.diffusion.DiffusionTrainingConfig;

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
            if (!kind.equals("decoder") && !kind.equals("diffusion")) {
                throw new IllegalArgumentException("--kind must be decoder or diffusion, got '" + kind + "'");
            }
        }

        static final float DECODER_KL_WEIGHT = 0.1f;
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

        /** Seconds training a module on {@code images} images of {@code pixels} values should take. */
        public double estimatedSeconds(int images, int pixels) {
            double scale = 784.0 / pixels;
            return MODULE_SECONDS + (kind.equals("decoder")
                    ? (double) images * decoderEpochs / (DECODER_IMAGES_PER_SECOND_28X28 * scale)
                    : (double) diffusionSteps * BATCH / (DIFFUSION_IMAGES_PER_SECOND_28X28_WIDTH32 * scale * 32.0 / diffusionWidth));
        }

        /** Bytes of one exported decoder module (its float weights plus the graph); -1 for diffusion, known after training. */
        public long estimatedBytes(int pixels) {
            if (!kind.equals("decoder")) return -1;
            long h = DECODER_HIDDEN, l = DECODER_LATENT, p = pixels;
            return 4 * (l * h + h + h * h + h + h * p + p + l * l + l) + 4096;
        }

        GenerativeModuleTrainer trainer(int classIndex) {
            long classSeed = seed * 1_000_003L + classIndex;
            return kind.equals("decoder")
                    // The benchmark's decoder (bench/configs/fmnist-silo10.properties, chosen on validation data):
                    // KL weight 0.1 for sharper decodes, and a Gaussian fitted to the site's own latents as prior.
                    ? new DecoderTrainer(new DecoderTrainingConfig(DECODER_HIDDEN, DECODER_LATENT, decoderEpochs, BATCH, 1e-3f, classSeed, threads)
                            .withKlWeight(DECODER_KL_WEIGHT).withFittedPrior(1f))
                    : new DiffusionTrainer(new DiffusionTrainingConfig(diffusionWidth, diffusionSteps, BATCH, 1e-3f, -0.8, 1.6,
                            DiffusionSampling.edmDefaults(), classSeed, threads));
        }
    }

    public static List<TrainedModule> trainAll(Dataset local, String siteId, Plan plan, PrintStream out) {
        int[] counts = local.classCounts();
        List<TrainedModule> modules = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) continue;
            Dataset oneClass = Datasets.filterClasses(local, siteId + "/" + local.labelNames().get(c), c);
            GenerativeModuleTrainer trainer = plan.trainer(c);
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
