package io.fedfactory.deploy.local;

import io.fedfactory.onnx.OnnxGraphBuilder;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A decoder module small enough that a crash trial spends its time on the crash: z[N,8] to 1x8x8 images. */
final class TinyDecoder {

    static final int LATENT = 8;

    private TinyDecoder() {
    }

    static byte[] bytes(long variant) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny-decoder");
        String z = g.input("z", -1, LATENT);
        float[] weights = new float[LATENT * 64];
        SplittableRandom r = new SplittableRandom(variant);
        for (int i = 0; i < weights.length; i++) weights[i] = (float) (r.nextGaussian() * 0.5);
        String linear = g.node("Gemm", List.of(z, g.initializer("W", weights, LATENT, 64), g.initializer("B", new float[64], 64)),
                Map.of());
        g.identity(g.node("Reshape", g.node("Sigmoid", linear), g.initializer("shape", new long[] {-1, 1, 8, 8}, 4)), "image");
        g.output("image", -1, 1, 8, 8);
        return g.toBytes("fedfactory-crash-trials", Map.of());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
