package io.fedfactory.generative.decoder;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.nn.ParameterLayout;
import io.fedfactory.generative.nn.TensorOps;

/**
 * A small MLP variational autoencoder (Kingma and Welling 2014). Encoder: flattened image, hidden
 * layer with SiLU, then mean and log-variance of a diagonal Gaussian latent. Decoder: latent, two
 * hidden layers with SiLU, then per-pixel logits; the image is sigmoid(logits) mapped into the spec's
 * value range, so decoded images can never leave it. Only the decoder is exported.
 *
 * <p>Hidden widths are multiples of 16 and the output layer is padded to a multiple of 16 pixels, so
 * the sigmoids run on per-sample rows of whole SIMD blocks and ONNX Runtime's result for a sample does
 * not depend on its position in the batch.
 */
public final class Vae {

    private final ImageSpec spec;
    private final int hidden;
    private final int latent;
    private final int paddedPixels;
    private final boolean fittedPrior;
    private final ParameterLayout layout = new ParameterLayout();

    public Vae(ImageSpec spec, int hiddenWidth, int latentDim) {
        this(spec, hiddenWidth, latentDim, false);
    }

    /**
     * @param fittedPrior whether sampling maps its standard-normal noise through a {@link FittedPrior}
     *                    (weights {@value FittedPrior#MEAN} and {@value FittedPrior#SCALE}, not trained)
     */
    public Vae(ImageSpec spec, int hiddenWidth, int latentDim, boolean fittedPrior) {
        this.fittedPrior = fittedPrior;
        if (hiddenWidth < 16 || hiddenWidth % 16 != 0) {
            throw new IllegalArgumentException("decoder hiddenWidth must be a positive multiple of 16, got " + hiddenWidth);
        }
        this.spec = spec;
        this.hidden = hiddenWidth;
        this.latent = latentDim;
        int pixels = spec.pixels();
        this.paddedPixels = (pixels + 15) / 16 * 16;
        linear("enc.l1", pixels, hidden);
        linear("enc.mean", hidden, latent);
        linear("enc.logvar", hidden, latent);
        linear("dec.l1", latent, hidden);
        linear("dec.l2", hidden, hidden);
        linear("dec.out", hidden, paddedPixels);
    }

    private void linear(String name, int in, int out) {
        layout.uniform(name + ".w", in, 1f, out, in).filled(name + ".b", 0f, out);
    }

    public ParameterLayout layout() {
        return layout;
    }

    public int latentDim() {
        return latent;
    }

    /** The images this autoencoder reads and writes. */
    public ImageSpec spec() {
        return spec;
    }

    public int hiddenWidth() {
        return hidden;
    }

    public boolean hasFittedPrior() {
        return fittedPrior;
    }

    /** Mean and log-variance of q(z | x) for images x [N, C, H, W]. */
    public <T> Encoding<T> encode(TensorOps<T> ops, T images) {
        T flat = ops.reshape(images, -1, spec.pixels());
        T h = ops.silu(dense(ops, flat, "enc.l1"));
        return new Encoding<>(dense(ops, h, "enc.mean"), dense(ops, h, "enc.logvar"));
    }

    /** The mean and log-variance of the approximate posterior. */
    public record Encoding<T>(T mean, T logVariance) {}

    /** Per-pixel logits [N, pixels] for latents z [N, latent]. */
    public <T> T logits(TensorOps<T> ops, T z) {
        return unpad(ops, paddedLogits(ops, z));
    }

    private <T> T paddedLogits(TensorOps<T> ops, T z) {
        T h = ops.silu(dense(ops, z, "dec.l1"));
        h = ops.silu(dense(ops, h, "dec.l2"));
        return dense(ops, h, "dec.out");
    }

    private <T> T unpad(TensorOps<T> ops, T x) {
        return paddedPixels == spec.pixels() ? x : ops.columns(x, 0, spec.pixels());
    }

    /** Images [N, C, H, W] in the spec's range for latents z [N, latent]. */
    public <T> T decode(TensorOps<T> ops, T z) {
        T unit = unpad(ops, ops.sigmoid(paddedLogits(ops, z)));
        T scaled = ops.add(ops.mul(unit, ops.scalar(spec.valueMax() - spec.valueMin())), ops.scalar(spec.valueMin()));
        return ops.reshape(scaled, -1, spec.channels(), spec.height(), spec.width());
    }

    /**
     * Images [N, C, H, W] for standard-normal noise [N, latent]: decoded directly, or through the fitted
     * prior's affine map z = mean + scale * noise first.
     */
    public <T> T sample(TensorOps<T> ops, T noise) {
        T z = fittedPrior ? ops.linear(noise, ops.parameter(FittedPrior.SCALE), ops.parameter(FittedPrior.MEAN)) : noise;
        return decode(ops, z);
    }

    private static <T> T dense(TensorOps<T> ops, T x, String name) {
        return ops.linear(x, ops.parameter(name + ".w"), ops.parameter(name + ".b"));
    }
}
