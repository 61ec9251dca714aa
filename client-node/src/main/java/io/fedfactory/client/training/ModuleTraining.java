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
            if (!kind.equals("decoder") && !kind.equals("diffusion")) {
                throw new IllegalArgumentException("--kind must be decoder or diffusion, got '" + kind + "'");
            }
        }

        static final float DECODER_KL_WEIGHT = 0.1f;

        /**
         * The decoder trainer with DP-SGD: the same decoder with the standard-normal prior (the fitted
         * prior would read the images outside DP-SGD). Diffusion modules have no private trainer yet.
         */
        GenerativeModuleTrainer privateTrainer(int classIndex, DpSgdConfig privacy) {
            if (!kind.equals("decoder")) {
                throw new IllegalArgumentException("--dp-noise is supported with --kind decoder only, got --kind " + kind);
            }
            return new DecoderTrainer(new DecoderTrainingConfig(400, 16, decoderEpochs, 64, 1e-3f,
                    seed * 1_000_003L + classIndex, threads).withKlWeight(DECODER_KL_WEIGHT), privacy);
        }

        GenerativeModuleTrainer trainer(int classIndex) {
            long classSeed = seed * 1_000_003L + classIndex;
            return kind.equals("decoder")
                    // The benchmark's decoder (bench/configs/fmnist-silo10.properties, chosen on validation data):
                    // KL weight 0.1 for sharper decodes, and a Gaussian fitted to the site's own latents as prior.
                    ? new DecoderTrainer(new DecoderTrainingConfig(400, 16, decoderEpochs, 64, 1e-3f, classSeed, threads)
                            .withKlWeight(DECODER_KL_WEIGHT).withFittedPrior(1f))
                    : new DiffusionTrainer(new DiffusionTrainingConfig(diffusionWidth, diffusionSteps, 64, 1e-3f, -0.8, 1.6,
                            DiffusionSampling.edmDefaults(), classSeed, threads));
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
            GenerativeModuleTrainer trainer = privacy == null ? plan.trainer(c) : plan.privateTrainer(c, privacy);
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
