package io.fedfactory.generative.diffusion;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.nn.OnnxTensorOps;
import io.fedfactory.generative.nn.Weights;
import io.fedfactory.onnx.OnnxGraphBuilder;

import java.util.Map;

/**
 * The ONNX contract of a diffusion module: inputs {@code x} [N,C,H,W] and {@code sigma} [N] (or
 * [N,1,1,1], as other exporters write it); output {@code denoised} [N,C,H,W]; data in [-1, 1].
 */
public final class DenoiserGraph {

    public static final String INPUT_X = "x";
    public static final String INPUT_SIGMA = "sigma";
    public static final String OUTPUT = "denoised";

    private DenoiserGraph() {}

    /** The preconditioned denoiser with {@code weights} as an ONNX model; same weights, same bytes. */
    public static byte[] export(UNet net, ImageSpec spec, Weights weights) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("edm_denoiser");
        String x = g.input(INPUT_X, -1, spec.channels(), spec.height(), spec.width());
        String sigma = g.input(INPUT_SIGMA, -1);
        String denoised = net.denoise(new OnnxTensorOps(g, weights), x, sigma);
        g.identity(denoised, OUTPUT);
        g.output(OUTPUT, -1, spec.channels(), spec.height(), spec.width());
        return g.toBytes("fedfactory", Map.of("fedfactory.kind", "diffusion", "fedfactory.data_range", "[-1,1]"));
    }
}
