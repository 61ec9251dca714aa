package io.fedfactory.generative.latent;

import io.fedfactory.generative.nn.OnnxTensorOps;
import io.fedfactory.generative.nn.Weights;
import io.fedfactory.onnx.OnnxGraphBuilder;
import java.util.Map;

/**
 * The ONNX contract of a latent-diffusion module: inputs {@code x} [N, latent] (standardized latents)
 * and {@code sigma} [N]; outputs {@code denoised} [N, latent], D(x; sigma), and {@code image}
 * [N, C, H, W], the decoder applied to {@code denoised}, in the image spec's value range. The Heun
 * sampler's last interval ends at sigma 0, where the Euler step lands exactly on D(x; sigma), so the
 * {@code image} of the last evaluation is the sample.
 */
public final class LatentDiffusionGraph {

    public static final String INPUT_X = "x";
    public static final String INPUT_SIGMA = "sigma";
    public static final String OUTPUT_DENOISED = "denoised";
    public static final String OUTPUT_IMAGE = "image";

    private LatentDiffusionGraph() {}

    /** The module with {@code weights} as an ONNX model; same weights, same bytes. */
    public static byte[] export(LatentDiffusionModel model, Weights weights) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("latent_edm");
        String x = g.input(INPUT_X, -1, model.latentDim());
        String sigma = g.input(INPUT_SIGMA, -1);
        OnnxTensorOps ops = new OnnxTensorOps(g, weights);
        String denoised = model.denoise(ops, x, sigma);
        String image = model.decode(ops, denoised);
        g.identity(denoised, OUTPUT_DENOISED);
        g.identity(image, OUTPUT_IMAGE);
        g.output(OUTPUT_DENOISED, -1, model.latentDim());
        g.output(OUTPUT_IMAGE, -1, model.spec().channels(), model.spec().height(), model.spec().width());
        return g.toBytes("fedfactory", Map.of("fedfactory.kind", "latent-diffusion",
                "fedfactory.latent", "standardized"));
    }
}
