package io.fedfactory.generative.decoder;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.nn.OnnxTensorOps;
import io.fedfactory.generative.nn.Weights;
import io.fedfactory.onnx.OnnxGraphBuilder;

import java.util.Map;

/**
 * The ONNX contract of a decoder module: input {@code z} [N, noise] standard-normal (the latent size, plus
 * one with a mixture prior: {@link Vae#noiseDim()}); output {@code image} [N,C,H,W].
 */
public final class DecoderGraph {

    public static final String INPUT = "z";
    public static final String OUTPUT = "image";

    private DecoderGraph() {}

    /**
     * The VAE's sampler (fitted prior, if any, then decoder) with {@code weights} as an ONNX model; same
     * weights, same bytes. The input is standard-normal noise either way, so samplers need not know.
     */
    public static byte[] export(Vae vae, ImageSpec spec, Weights weights) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("vae_decoder");
        String z = g.input(INPUT, -1, vae.noiseDim());
        String image = vae.sample(new OnnxTensorOps(g, weights), z);
        g.identity(image, OUTPUT);
        g.output(OUTPUT, -1, spec.channels(), spec.height(), spec.width());
        return g.toBytes("fedfactory", Map.of("fedfactory.kind", "decoder"));
    }
}
