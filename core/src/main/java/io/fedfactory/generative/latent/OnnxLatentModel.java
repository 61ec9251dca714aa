package io.fedfactory.generative.latent;

import io.fedfactory.onnx.runtime.OnnxModel;

import java.util.Objects;

/** A latent-diffusion module's ONNX graph run by ONNX Runtime. */
public final class OnnxLatentModel implements LatentModel {

    private final OnnxModel session;
    private final int latentDim;

    /** Uses {@code session} (not closed here) whose graph follows {@link LatentDiffusionGraph}'s contract. */
    public OnnxLatentModel(OnnxModel session, int latentDim) {
        this.session = Objects.requireNonNull(session);
        this.latentDim = latentDim;
    }

    @Override
    public float[] denoise(float[] x, float[] sigma) {
        return run(LatentDiffusionGraph.OUTPUT_DENOISED, x, sigma);
    }

    @Override
    public float[] decodeDenoised(float[] x, float[] sigma) {
        return run(LatentDiffusionGraph.OUTPUT_IMAGE, x, sigma);
    }

    private float[] run(String output, float[] x, float[] sigma) {
        long n = sigma.length;
        return session.run(output,
                new OnnxModel.Feed(LatentDiffusionGraph.INPUT_X, x, n, latentDim),
                new OnnxModel.Feed(LatentDiffusionGraph.INPUT_SIGMA, sigma, n));
    }
}
