package io.fedfactory.generative.decoder;

import java.util.Map;
import java.util.TreeMap;

/**
 * How to train a decoder (VAE) module.
 *
 * @param hiddenWidth  units of each hidden layer, a multiple of 16
 * @param latentDim    size of the standard-normal latent
 * @param epochs       passes over the class's images
 * @param batchSize    images per step
 * @param learningRate Adam learning rate
 * @param seed         initialization, batch order and reparameterization noise
 * @param threads      PyTorch intra-op threads (trained bits depend on it)
 */
public record DecoderTrainingConfig(int hiddenWidth, int latentDim, int epochs, int batchSize, float learningRate,
                                    long seed, int threads) {

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
    }

    /** Hidden 400, latent 16, batch 64, Adam 1e-3, 2 threads. */
    public static DecoderTrainingConfig defaults(int epochs, long seed) {
        return new DecoderTrainingConfig(400, 16, epochs, 64, 1e-3f, seed, 2);
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
        return m;
    }
}
