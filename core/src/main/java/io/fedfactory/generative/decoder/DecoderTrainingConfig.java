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
 * @param priorTemperature  scale of the fitted Gaussian's spread, in (0, 2]; only with {@code fittedPrior}
 * @param architecture      the autoencoder's layers ({@link Vae.Architecture})
 * @param convWidth         channels of the convolutional architecture's widest layers, a multiple of 4
 *                          (0 with the MLP)
 * @param priorComponents   with {@code fittedPrior}: Gaussians in the fitted prior; 1 is one Gaussian
 *                          ({@link FittedPrior}), more is a mixture fitted by EM ({@link MixturePrior}),
 *                          fewer when the class has under 10 x latentDim images per component. Must be 1
 *                          without {@code fittedPrior}
 */
public record DecoderTrainingConfig(int hiddenWidth, int latentDim, int epochs, int batchSize, float learningRate,
                                    long seed, int threads, float klWeight, boolean fittedPrior,
                                    float priorTemperature, Vae.Architecture architecture, int convWidth,
                                    int priorComponents) {

    /** Channels of the convolutional architecture when a config names none. */
    public static final int DEFAULT_CONV_WIDTH = 32;

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
        if (!(priorTemperature > 0) || !(priorTemperature <= 2)) {
            throw new IllegalArgumentException("decoder priorTemperature must be in (0, 2], got " + priorTemperature);
        }
        java.util.Objects.requireNonNull(architecture, "decoder architecture");
        if (architecture == Vae.Architecture.CONV ? convWidth < 4 || convWidth > 1024 || convWidth % 4 != 0 : convWidth != 0) {
            throw new IllegalArgumentException(architecture == Vae.Architecture.CONV
                    ? "decoder convWidth must be a multiple of 4 in [4, 1024], got " + convWidth
                    : "decoder convWidth applies only to architecture conv, got " + convWidth + " with mlp");
        }
        if (priorComponents < 1 || priorComponents > MixturePrior.MAX_COMPONENTS) {
            throw new IllegalArgumentException("decoder priorComponents must be in [1, " + MixturePrior.MAX_COMPONENTS
                    + "], got " + priorComponents);
        }
        if (!fittedPrior && priorComponents != 1) {
            throw new IllegalArgumentException("decoder priorComponents applies only with fittedPrior, got "
                    + priorComponents + " without it");
        }
        if (!fittedPrior && priorTemperature != 1f) {
            throw new IllegalArgumentException("decoder priorTemperature applies only with fittedPrior, got "
                    + priorTemperature + " without it");
        }
    }

    /** The MLP autoencoder with one fitted Gaussian at most. */
    public DecoderTrainingConfig(int hiddenWidth, int latentDim, int epochs, int batchSize, float learningRate,
                                 long seed, int threads, float klWeight, boolean fittedPrior, float priorTemperature) {
        this(hiddenWidth, latentDim, epochs, batchSize, learningRate, seed, threads, klWeight, fittedPrior,
                priorTemperature, Vae.Architecture.MLP, 0, 1);
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
                fittedPrior, priorTemperature, architecture, convWidth, priorComponents);
    }

    /** The same settings with an ex-post fitted Gaussian prior whose spread is scaled by {@code temperature}. */
    public DecoderTrainingConfig withFittedPrior(float temperature) {
        return new DecoderTrainingConfig(hiddenWidth, latentDim, epochs, batchSize, learningRate, seed, threads,
                klWeight, true, temperature, architecture, convWidth, priorComponents);
    }

    /** The same settings with a fitted prior of up to {@code components} Gaussians (see {@link MixturePrior#components}). */
    public DecoderTrainingConfig withPriorComponents(int components) {
        return new DecoderTrainingConfig(hiddenWidth, latentDim, epochs, batchSize, learningRate, seed, threads,
                klWeight, fittedPrior, priorTemperature, architecture, convWidth, components);
    }

    /** The same settings with the convolutional autoencoder of {@code width} channels. */
    public DecoderTrainingConfig withConvolutions(int width) {
        return new DecoderTrainingConfig(hiddenWidth, latentDim, epochs, batchSize, learningRate, seed, threads,
                klWeight, fittedPrior, priorTemperature, Vae.Architecture.CONV, width, priorComponents);
    }

    /** An autoencoder of these settings for images of {@code spec}, sampling through a prior of {@code components} (see {@link Vae}). */
    public Vae autoencoder(io.fedfactory.data.ImageSpec spec, int components) {
        return new Vae(spec, hiddenWidth, latentDim, architecture, convWidth, components);
    }

    /** The settings as provenance entries. */
    public Map<String, String> asProvenance() {
        Map<String, String> m = new TreeMap<>();
        m.put("architecture", architecture == Vae.Architecture.MLP ? "mlp-vae" : "conv-vae");
        if (architecture == Vae.Architecture.CONV) m.put("convWidth", Integer.toString(convWidth));
        m.put("hiddenWidth", Integer.toString(hiddenWidth));
        m.put("latentDim", Integer.toString(latentDim));
        m.put("epochs", Integer.toString(epochs));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("learningRate", Float.toString(learningRate));
        m.put("optimizer", "adam");
        m.put("klWeight", Float.toString(klWeight));
        m.put("latentPrior", fittedPrior
                ? priorComponents == 1
                        ? String.format(Locale.ROOT, "fitted-gaussian(temperature=%s)", Float.toString(priorTemperature))
                        : String.format(Locale.ROOT, "fitted-gaussian-mixture(components<=%d, temperature=%s)",
                                priorComponents, Float.toString(priorTemperature))
                : "standard-normal");
        return m;
    }
}
