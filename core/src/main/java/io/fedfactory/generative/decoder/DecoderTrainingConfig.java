package io.fedfactory.generative.decoder;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to train a decoder (VAE) module.
 *
 * @param hiddenWidth       units of each hidden layer, a multiple of 16
 * @param latentDim         size of the standard-normal latent
 * @param epochs            passes over the class's images
 * @param batchSize         images per step
 * @param learningRate      Adam learning rate
 * @param seed              initialization, batch order and reparameterization noise
 * @param threads           PyTorch intra-op threads (trained bits depend on it)
 * @param klWeight          weight of the KL term in the loss (beta; 1 is the plain ELBO). Below 1 the
 *                          decodes are sharper but the posterior drifts from N(0, I), which
 *                          {@code fittedPrior} corrects
 * @param fittedPrior       fit a full-covariance Gaussian to the posterior means of the training
 *                          images after training (ex-post density estimation, Ghosh et al. 2019) and
 *                          bake it in front of the decoder, so N(0, I) noise samples that Gaussian
 * @param priorTemperature  scale of the fitted Gaussian's spread, in (0, 1]; only with {@code fittedPrior}
 */
public record DecoderTrainingConfig(int hiddenWidth, int latentDim, int epochs, int batchSize, float learningRate,
                                    long seed, int threads, float klWeight, boolean fittedPrior,
                                    float priorTemperature) {

    public static final int MAX_HIDDEN = 8192;
    public static final int MAX_LATENT = 4096;
    public static final int MAX_EPOCHS = 100_000;
    public static final int MAX_BATCH = 4096;

    public DecoderTrainingConfig {
        if (hiddenWidth < 16 || hiddenWidth > MAX_HIDDEN || hiddenWidth % 16 != 0) {
            throw new IllegalArgumentException("decoder hiddenWidth must be a multiple of 16 in [16, " + MAX_HIDDEN
                    + "], got " + hiddenWidth);
        }
        if (latentDim < 1 || latentDim > MAX_LATENT) {
            throw new IllegalArgumentException("decoder latentDim must be in [1, " + MAX_LATENT + "], got " + latentDim);
        }
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new IllegalArgumentException("decoder epochs must be in [1, " + MAX_EPOCHS + "], got " + epochs);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("decoder batchSize must be in [1, " + MAX_BATCH + "], got " + batchSize);
        }
        if (!(learningRate > 0) || !(learningRate <= 1)) {
            throw new IllegalArgumentException("decoder learningRate must be in (0, 1], got " + learningRate);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("decoder threads must be in [1, 256], got " + threads);
        }
        if (!(klWeight > 0) || !(klWeight <= 100)) {
            throw new IllegalArgumentException("decoder klWeight must be in (0, 100], got " + klWeight);
        }
        if (!(priorTemperature > 0) || !(priorTemperature <= 1)) {
            throw new IllegalArgumentException("decoder priorTemperature must be in (0, 1], got " + priorTemperature);
        }
        if (!fittedPrior && priorTemperature != 1f) {
            throw new IllegalArgumentException("decoder priorTemperature applies only with fittedPrior, got "
                    + priorTemperature + " without it");
        }
    }

    /** The plain VAE: KL weight 1, standard-normal prior. */
    public DecoderTrainingConfig(int hiddenWidth, int latentDim, int epochs, int batchSize, float learningRate,
                                 long seed, int threads) {
        this(hiddenWidth, latentDim, epochs, batchSize, learningRate, seed, threads, 1f, false, 1f);
    }

    /** Hidden 400, latent 16, batch 64, Adam 1e-3, 2 threads, plain VAE. */
    public static DecoderTrainingConfig defaults(int epochs, long seed) {
        return new DecoderTrainingConfig(400, 16, epochs, 64, 1e-3f, seed, 2);
    }

    /** The same settings with KL weight {@code beta}. */
    public DecoderTrainingConfig withKlWeight(float beta) {
        return new DecoderTrainingConfig(hiddenWidth, latentDim, epochs, batchSize, learningRate, seed, threads, beta,
                fittedPrior, priorTemperature);
    }

    /** The same settings with an ex-post fitted Gaussian prior whose spread is scaled by {@code temperature}. */
    public DecoderTrainingConfig withFittedPrior(float temperature) {
        return new DecoderTrainingConfig(hiddenWidth, latentDim, epochs, batchSize, learningRate, seed, threads,
                klWeight, true, temperature);
    }

    /** The settings as provenance entries. */
    public Map<String, String> asProvenance() {
        Map<String, String> m = new TreeMap<>();
        m.put("architecture", "mlp-vae");
        m.put("hiddenWidth", Integer.toString(hiddenWidth));
        m.put("latentDim", Integer.toString(latentDim));
        m.put("epochs", Integer.toString(epochs));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("learningRate", Float.toString(learningRate));
        m.put("optimizer", "adam");
        m.put("klWeight", Float.toString(klWeight));
        m.put("latentPrior", fittedPrior
                ? String.format(Locale.ROOT, "fitted-gaussian(temperature=%s)", Float.toString(priorTemperature))
                : "standard-normal");
        return m;
    }
}
