package io.fedfactory.generative.decoder;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.nn.ParameterLayout;
import io.fedfactory.generative.nn.TensorOps;

/**
 * A small variational autoencoder (Kingma and Welling 2014), in one of two {@link Architecture}s.
 * {@link Architecture#MLP}: encoder: flattened image, hidden layer with SiLU, then mean and
 * log-variance of a diagonal Gaussian latent; decoder: latent, two hidden layers with SiLU, then
 * per-pixel logits. {@link Architecture#CONV}: encoder: two 3x3 stride-2 convolutions (width/2, then
 * width channels) with SiLU, a hidden layer, then mean and log-variance; decoder: latent, a hidden
 * layer, a dense layer to width x H/4 x W/4, then twice (nearest 2x upsampling, 3x3 convolution), the
 * second to width/2 channels, and a 3x3 convolution to per-pixel logits (H and W must be multiples of
 * 4). Either way the image is sigmoid(logits) mapped into the spec's value range, so decoded images
 * can never leave it. Only the decoder (behind its prior) is exported.
 *
 * <p>The prior the exported sampler maps standard-normal noise through: none (N(0, I)), one fitted
 * Gaussian ({@link FittedPrior}) or a fitted mixture of Gaussians ({@link MixturePrior}, whose noise
 * has one more coordinate that picks the component).
 *
 * <p>Hidden widths are multiples of 16 and the MLP's output layer is padded to a multiple of 16 pixels
 * (the convolutional one has H x W a multiple of 16), so the sigmoids run on per-sample rows of whole
 * SIMD blocks and ONNX Runtime's result for a sample does not depend on its position in the batch.
 */
public final class Vae {

    private final ImageSpec spec;
    private final int hidden;
    private final int latent;
    private final int paddedPixels;
    private final Architecture architecture;
    private final int convWidth;
    /** 0: standard-normal prior; 1: one fitted Gaussian; more: a fitted mixture of that many. */
    private final int priorComponents;
    private final ParameterLayout layout = new ParameterLayout();

    /** How the encoder and decoder are built. */
    public enum Architecture {
        /** Dense layers only. */
        MLP,
        /** Strided convolutions in the encoder, upsampling and convolutions in the decoder. */
        CONV;

        /** The name in configs and provenance: mlp, conv. */
        public String label() {
            return this == MLP ? "mlp" : "conv";
        }

        /** The architecture labelled {@code label}; fails naming {@code field} and the choices. */
        public static Architecture parse(String field, String label) {
            for (Architecture a : values()) {
                if (a.label().equals(label)) return a;
            }
            throw new IllegalArgumentException(field + " must be mlp or conv, got '" + label + "'");
        }
    }

    public Vae(ImageSpec spec, int hiddenWidth, int latentDim) {
        this(spec, hiddenWidth, latentDim, false);
    }

    /**
     * @param fittedPrior whether sampling maps its standard-normal noise through a {@link FittedPrior}
     *                    (weights {@value FittedPrior#MEAN} and {@value FittedPrior#SCALE}, not trained)
     */
    public Vae(ImageSpec spec, int hiddenWidth, int latentDim, boolean fittedPrior) {
        this(spec, hiddenWidth, latentDim, Architecture.MLP, 0, fittedPrior ? 1 : 0);
    }

    /**
     * @param convWidth       channels of the convolutional architecture's widest layers (a multiple of 4;
     *                        ignored by the MLP)
     * @param priorComponents 0: decode N(0, I) noise directly; 1: through a {@link FittedPrior}; 2 or
     *                        more: through a {@link MixturePrior} of that many Gaussians (not trained)
     */
    public Vae(ImageSpec spec, int hiddenWidth, int latentDim, Architecture architecture, int convWidth,
               int priorComponents) {
        if (hiddenWidth < 16 || hiddenWidth % 16 != 0) {
            throw new IllegalArgumentException("decoder hiddenWidth must be a positive multiple of 16, got " + hiddenWidth);
        }
        if (priorComponents < 0 || priorComponents > MixturePrior.MAX_COMPONENTS) {
            throw new IllegalArgumentException("decoder priorComponents must be in [0, " + MixturePrior.MAX_COMPONENTS
                    + "], got " + priorComponents);
        }
        this.spec = spec;
        this.hidden = hiddenWidth;
        this.latent = latentDim;
        this.architecture = java.util.Objects.requireNonNull(architecture);
        this.priorComponents = priorComponents;
        int pixels = spec.pixels();
        if (architecture == Architecture.MLP) {
            this.convWidth = 0;
            this.paddedPixels = (pixels + 15) / 16 * 16;
            linear("enc.l1", pixels, hidden);
            linear("enc.mean", hidden, latent);
            linear("enc.logvar", hidden, latent);
            linear("dec.l1", latent, hidden);
            linear("dec.l2", hidden, hidden);
            linear("dec.out", hidden, paddedPixels);
        } else {
            if (convWidth < 4 || convWidth % 4 != 0) {
                throw new IllegalArgumentException("decoder convWidth must be a positive multiple of 4, got " + convWidth);
            }
            if (spec.height() % 4 != 0 || spec.width() % 4 != 0) {
                throw new IllegalArgumentException("decoder architecture conv needs height and width that are multiples"
                        + " of 4, got " + spec.height() + "x" + spec.width() + " (use mlp)");
            }
            this.convWidth = convWidth;
            this.paddedPixels = pixels;
            int c = spec.channels();
            int half = convWidth / 2;
            int coarse = convWidth * (spec.height() / 4) * (spec.width() / 4);
            conv("enc.c1", c, half);
            conv("enc.c2", half, convWidth);
            linear("enc.l1", coarse, hidden);
            linear("enc.mean", hidden, latent);
            linear("enc.logvar", hidden, latent);
            linear("dec.l1", latent, hidden);
            linear("dec.l2", hidden, coarse);
            conv("dec.c1", convWidth, convWidth);
            conv("dec.c2", convWidth, half);
            conv("dec.out", half, c);
        }
    }

    private void linear(String name, int in, int out) {
        layout.uniform(name + ".w", in, 1f, out, in).filled(name + ".b", 0f, out);
    }

    private void conv(String name, int in, int out) {
        layout.uniform(name + ".w", in * 9L, 1f, out, in, 3, 3).filled(name + ".b", 0f, out);
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

    /** Whether sampling maps its noise through a fitted prior (one Gaussian or a mixture). */
    public boolean hasFittedPrior() {
        return priorComponents > 0;
    }

    /** 0: standard-normal prior; 1: one fitted Gaussian; more: a fitted mixture of that many. */
    public int priorComponents() {
        return priorComponents;
    }

    public Architecture architecture() {
        return architecture;
    }

    /** Channels of the convolutional architecture's widest layers; 0 for the MLP. */
    public int convWidth() {
        return convWidth;
    }

    /**
     * Standard-normal values per sample that {@link #sample} reads: the latent size, plus one that picks
     * the component of a mixture prior.
     */
    public int noiseDim() {
        return priorComponents > 1 ? latent + 1 : latent;
    }

    /** Mean and log-variance of q(z | x) for images x [N, C, H, W]. */
    public <T> Encoding<T> encode(TensorOps<T> ops, T images) {
        T features = images;
        if (architecture == Architecture.CONV) {
            features = ops.silu(conv(ops, features, "enc.c1", 2));
            features = ops.silu(conv(ops, features, "enc.c2", 2));
            features = ops.reshape(features, -1, (long) convWidth * (spec.height() / 4) * (spec.width() / 4));
        } else {
            features = ops.reshape(features, -1, spec.pixels());
        }
        T h = ops.silu(dense(ops, features, "enc.l1"));
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
        if (architecture == Architecture.MLP) return dense(ops, h, "dec.out");
        long h4 = spec.height() / 4;
        long w4 = spec.width() / 4;
        T x = ops.reshape(h, -1, convWidth, h4, w4);
        x = ops.silu(conv(ops, ops.upsample2x(x, convWidth, h4, w4), "dec.c1", 1));
        x = ops.silu(conv(ops, ops.upsample2x(x, convWidth, 2 * h4, 2 * w4), "dec.c2", 1));
        return ops.reshape(conv(ops, x, "dec.out", 1), -1, spec.pixels());
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
        T z = switch (priorComponents) {
            case 0 -> noise;
            case 1 -> ops.linear(noise, ops.parameter(FittedPrior.SCALE), ops.parameter(FittedPrior.MEAN));
            default -> MixturePrior.map(ops, noise, latent, priorComponents);
        };
        return decode(ops, z);
    }

    private static <T> T dense(TensorOps<T> ops, T x, String name) {
        return ops.linear(x, ops.parameter(name + ".w"), ops.parameter(name + ".b"));
    }

    private static <T> T conv(TensorOps<T> ops, T x, String name, int stride) {
        return ops.conv2d(x, ops.parameter(name + ".w"), ops.parameter(name + ".b"), stride, 1);
    }
}
