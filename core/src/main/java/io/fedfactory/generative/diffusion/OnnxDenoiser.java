package io.fedfactory.generative.diffusion;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.onnx.runtime.GraphSignature;
import io.fedfactory.onnx.runtime.OnnxModel;

import java.util.Objects;

/** A diffusion module's ONNX graph run by ONNX Runtime. */
public final class OnnxDenoiser implements Denoiser {

    private final OnnxModel session;
    private final ImageSpec spec;
    private final boolean sigmaAsImage;

    /** Uses {@code session} (not closed here) whose graph follows {@link DenoiserGraph}'s contract. */
    public OnnxDenoiser(OnnxModel session, ImageSpec spec) {
        this.session = Objects.requireNonNull(session);
        this.spec = Objects.requireNonNull(spec);
        // Graphs exported elsewhere often take sigma as [N, 1, 1, 1]; both carry one value per image.
        GraphSignature.Tensor sigma = session.signature().inputs().get(DenoiserGraph.INPUT_SIGMA);
        this.sigmaAsImage = sigma != null && sigma.float32() && sigma.shape().length == 4;
    }

    @Override
    public float[] denoise(float[] x, float[] sigma) {
        long n = sigma.length;
        long[] sigmaShape = sigmaAsImage ? new long[] {n, 1, 1, 1} : new long[] {n};
        return session.run(DenoiserGraph.OUTPUT,
                new OnnxModel.Feed(DenoiserGraph.INPUT_X, x, n, spec.channels(), spec.height(), spec.width()),
                new OnnxModel.Feed(DenoiserGraph.INPUT_SIGMA, sigma, sigmaShape));
    }
}
