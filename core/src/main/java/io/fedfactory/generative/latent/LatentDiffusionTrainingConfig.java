package io.fedfactory.generative.latent;

import io.fedfactory.generative.LatentDiffusionSampling;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to train a latent-diffusion module: first the site's autoencoder (a {@link io.fedfactory.generative.decoder.Vae};
 * its prior settings must be off, since the denoiser is the prior), then an EDM denoiser on the
 * standardized posterior means of the class's images.
 *
 * @param autoencoder  the autoencoder's settings; its seed and threads are the module's
 * @param width        hidden width of the denoiser, a multiple of 16
 * @param blocks       residual blocks of the denoiser
 * @param steps        denoiser optimizer steps
 * @param batchSize    latents per denoiser step
 * @param learningRate Adam learning rate of the denoiser
 * @param emaDecay     exponential moving average of the denoiser's weights, per step, in [0, 1); the
 *                     average is what is exported (0: the last weights)
 * @param pMean        mean of ln(sigma) during training (EDM: -1.2)
 * @param pStd         standard deviation of ln(sigma) during training (EDM: 1.2)
 * @param sampling     the Heun schedule written into the manifest; its latentDim must be the autoencoder's
 */
public record LatentDiffusionTrainingConfig(DecoderTrainingConfig autoencoder, int width, int blocks, int steps,
                                            int batchSize, float learningRate, float emaDecay, double pMean,
                                            double pStd, LatentDiffusionSampling sampling) {

    public static final int MAX_WIDTH = 4096;
    public static final int MAX_BLOCKS = 64;
    public static final int MAX_STEPS = 10_000_000;
    public static final int MAX_BATCH = 65_536;

    public LatentDiffusionTrainingConfig {
        Objects.requireNonNull(autoencoder, "latentDiffusion.autoencoder");
        Objects.requireNonNull(sampling, "latentDiffusion.sampling");
        if (autoencoder.fittedPrior()) {
            throw new IllegalArgumentException("latentDiffusion.autoencoder.fittedPrior must be false: the denoiser is the prior");
        }
        if (width < 16 || width > MAX_WIDTH || width % 16 != 0) {
            throw new IllegalArgumentException("latentDiffusion.width must be a multiple of 16 in [16, " + MAX_WIDTH
                    + "], got " + width);
        }
        range("blocks", blocks, 1, MAX_BLOCKS);
        range("steps", steps, 1, MAX_STEPS);
        range("batchSize", batchSize, 1, MAX_BATCH);
        if (!(learningRate > 0) || !(learningRate <= 1)) {
            throw new IllegalArgumentException("latentDiffusion.learningRate must be in (0, 1], got " + learningRate);
        }
        if (!(emaDecay >= 0) || !(emaDecay < 1)) {
            throw new IllegalArgumentException("latentDiffusion.emaDecay must be in [0, 1), got " + emaDecay);
        }
        if (!Double.isFinite(pMean) || Math.abs(pMean) > 10) {
            throw new IllegalArgumentException("latentDiffusion.pMean must be in [-10, 10], got " + pMean);
        }
        if (!(pStd > 0) || !(pStd <= 10)) {
            throw new IllegalArgumentException("latentDiffusion.pStd must be in (0, 10], got " + pStd);
        }
        if (sampling.latentDim() != autoencoder.latentDim()) {
            throw new IllegalArgumentException("latentDiffusion.sampling.latentDim " + sampling.latentDim()
                    + " must equal the autoencoder's latentDim " + autoencoder.latentDim());
        }
    }

    /**
     * The site default: the autoencoder as given, a denoiser of width 256 with 2 blocks, 4,000 steps of
     * 256 latents, Adam 1e-3, EMA 0.999, EDM's noise distribution, 32 Heun steps.
     */
    public static LatentDiffusionTrainingConfig defaults(DecoderTrainingConfig autoencoder) {
        return new LatentDiffusionTrainingConfig(autoencoder, 256, 2, 4000, 256, 1e-3f, 0.999f, -1.2, 1.2,
                LatentDiffusionSampling.defaults(autoencoder.latentDim()));
    }

    public LatentDiffusionTrainingConfig withDenoiser(int newWidth, int newBlocks, int newSteps) {
        return new LatentDiffusionTrainingConfig(autoencoder, newWidth, newBlocks, newSteps, batchSize, learningRate,
                emaDecay, pMean, pStd, sampling);
    }

    public LatentDiffusionTrainingConfig withSampling(LatentDiffusionSampling newSampling) {
        return new LatentDiffusionTrainingConfig(autoencoder, width, blocks, steps, batchSize, learningRate, emaDecay,
                pMean, pStd, newSampling);
    }

    public long seed() {
        return autoencoder.seed();
    }

    public int threads() {
        return autoencoder.threads();
    }

    /** The settings as provenance entries: the autoencoder's, prefixed {@code autoencoder.}, and the denoiser's. */
    public Map<String, String> asProvenance() {
        Map<String, String> m = new TreeMap<>();
        autoencoder.asProvenance().forEach((k, v) -> m.put("autoencoder." + k, v));
        m.put("architecture", "latent-edm(mlp-vae, residual-mlp)");
        m.put("denoiser.width", Integer.toString(width));
        m.put("denoiser.blocks", Integer.toString(blocks));
        m.put("denoiser.steps", Integer.toString(steps));
        m.put("denoiser.batchSize", Integer.toString(batchSize));
        m.put("denoiser.learningRate", Float.toString(learningRate));
        m.put("denoiser.optimizer", "adam");
        m.put("denoiser.emaDecay", Float.toString(emaDecay));
        m.put("denoiser.noise", String.format(Locale.ROOT, "lognormal(pMean=%s, pStd=%s)", pMean, pStd));
        m.put("latent.standardization", "posterior-means");
        return m;
    }

    private static void range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("latentDiffusion." + field + " must be in [" + min + ", " + max + "], got "
                    + value);
        }
    }
}
