package io.fedfactory.client;

import io.fedfactory.client.training.ModuleTraining;
import picocli.CommandLine.Option;

/** What the site trains: module kind and size. Shared by the job and the dry run. */
public final class TrainingOptions {

    @Option(names = "--kind", defaultValue = "decoder",
            description = "Module kind: decoder (fast, one pass), latent-diffusion (an EDM denoiser on the decoder's "
                    + "latents) or diffusion (pixel space, GPU-scale budgets) (default: ${DEFAULT-VALUE}).")
    String kind;
    @Option(names = "--decoder-epochs", defaultValue = "20", description = "Decoder training epochs (default: ${DEFAULT-VALUE}).")
    int decoderEpochs;
    @Option(names = "--diffusion-steps", defaultValue = "1500", description = "Diffusion training steps (default: ${DEFAULT-VALUE}).")
    int diffusionSteps;
    @Option(names = "--diffusion-width", defaultValue = "16", description = "Diffusion UNet width (default: ${DEFAULT-VALUE}).")
    int diffusionWidth;
    @Option(names = "--threads", defaultValue = "1", description = "Training threads, pinned (default: ${DEFAULT-VALUE}).")
    int threads;

    ModuleTraining.Plan plan(long seed) {
        return new ModuleTraining.Plan(kind, decoderEpochs, diffusionSteps, diffusionWidth, seed, threads);
    }
}
