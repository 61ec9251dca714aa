package io.fedfactory.generative.latent;

import io.fedfactory.generative.nn.ParameterLayout;
import io.fedfactory.generative.nn.TensorOps;

/**
 * A residual MLP denoiser over standardized latent vectors, wrapped in EDM preconditioning (Karras et
 * al. 2022, table 1): {@code D(x; sigma) = c_skip x + c_out F(c_in x; c_noise)} with
 * {@code c_skip = sd^2/(sigma^2+sd^2)}, {@code c_out = sigma sd/sqrt(sigma^2+sd^2)},
 * {@code c_in = 1/sqrt(sigma^2+sd^2)}, {@code c_noise = ln(sigma)/4}.
 *
 * <p>F: a linear map of the scaled latent to the hidden width, then residual blocks
 * {@code h + W2 silu(W1 silu(h) + E e)} where e is the noise embedding (sin/cos features of c_noise
 * through a linear layer and SiLU), then SiLU and a linear map back to the latent. Widths are multiples
 * of 16 so that every per-sample row is made of whole SIMD blocks, and ONNX Runtime's result for a
 * sample does not depend on its position in the batch.
 */
public final class LatentDenoiser {

    /** Sin/cos frequencies of the noise embedding. */
    static final int FREQUENCIES = 16;

    private final int latent;
    private final int width;
    private final int blocks;
    private final float sigmaData;
    private final ParameterLayout layout = new ParameterLayout();

    public LatentDenoiser(int latentDim, int width, int blocks, double sigmaData) {
        if (latentDim < 1) throw new IllegalArgumentException("latent denoiser latentDim must be >= 1, got " + latentDim);
        if (width < 16 || width % 16 != 0) {
            throw new IllegalArgumentException("latent denoiser width must be a positive multiple of 16, got " + width);
        }
        if (blocks < 1) throw new IllegalArgumentException("latent denoiser blocks must be >= 1, got " + blocks);
        this.latent = latentDim;
        this.width = width;
        this.blocks = blocks;
        this.sigmaData = (float) sigmaData;
        linear("den.in", latent, width, 1f);
        linear("den.emb", 2 * FREQUENCIES, width, 1f);
        for (int b = 0; b < blocks; b++) {
            linear("den.block" + b + ".l1", width, width, 1f);
            linear("den.block" + b + ".emb", width, width, 1f);
            // Small second layers start each block near the identity, as residual MLPs usually do.
            linear("den.block" + b + ".l2", width, width, 0.1f);
        }
        linear("den.out", width, latent, 0.1f);
    }

    private void linear(String name, int in, int out, float gain) {
        layout.uniform(name + ".w", in, gain, out, in).filled(name + ".b", 0f, out);
    }

    public ParameterLayout layout() {
        return layout;
    }

    public int latentDim() {
        return latent;
    }

    public int width() {
        return width;
    }

    public int blocks() {
        return blocks;
    }

    /** The preconditioned denoiser D(x; sigma) for standardized latents x [N, latent] and sigma [N]. */
    public <T> T denoise(TensorOps<T> ops, T x, T sigma) {
        T s = ops.reshape(sigma, -1, 1);
        T sd2 = ops.scalar(sigmaData * sigmaData);
        T variance = ops.add(ops.mul(s, s), sd2);
        T root = ops.sqrt(variance);
        T cSkip = ops.div(sd2, variance);
        T cOut = ops.div(ops.mul(s, ops.scalar(sigmaData)), root);
        T f = network(ops, ops.div(x, root), sigma);
        return ops.add(ops.mul(cSkip, x), ops.mul(cOut, f));
    }

    private <T> T network(TensorOps<T> ops, T x, T sigma) {
        T e = ops.silu(dense(ops, embedding(ops, sigma), "den.emb"));
        T h = dense(ops, x, "den.in");
        for (int b = 0; b < blocks; b++) {
            String name = "den.block" + b;
            T t = ops.add(dense(ops, ops.silu(h), name + ".l1"), dense(ops, e, name + ".emb"));
            h = ops.add(h, dense(ops, ops.silu(t), name + ".l2"));
        }
        return dense(ops, ops.silu(h), "den.out");
    }

    private static <T> T embedding(TensorOps<T> ops, T sigma) {
        // Phases ln(sigma)/4 * f_k, f_k geometric from 1 to 64; sigma is widened to [N, 16] before the
        // logarithm so each row is a whole SIMD block (see the class comment).
        float[] ones = new float[FREQUENCIES];
        float[] quarterFreqs = new float[FREQUENCIES];
        for (int k = 0; k < FREQUENCIES; k++) {
            ones[k] = 1f;
            quarterFreqs[k] = (float) (0.25 * StrictMath.exp(k * StrictMath.log(64) / (FREQUENCIES - 1)));
        }
        T wide = ops.mul(ops.reshape(sigma, -1, 1), ops.constant(ones, 1, FREQUENCIES));
        T phase = ops.mul(ops.log(wide), ops.constant(quarterFreqs, 1, FREQUENCIES));
        return ops.concat(ops.sin(phase), ops.cos(phase));
    }

    private static <T> T dense(TensorOps<T> ops, T x, String name) {
        return ops.linear(x, ops.parameter(name + ".w"), ops.parameter(name + ".b"));
    }
}
