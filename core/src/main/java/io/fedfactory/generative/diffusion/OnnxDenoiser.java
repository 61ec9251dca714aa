package io.fedfactory.generative.diffusion;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.OnnxSession;

import java.util.Objects;

/** A diffusion module's ONNX graph run by ONNX Runtime. */
public final class OnnxDenoiser implements Denoiser {

    private final OnnxSession session;
    private final ImageSpec spec;
    private final boolean sigmaAsImage;

    /** Uses {@code session} (not closed here) whose graph follows {@link DenoiserGraph}'s contract. */
    public OnnxDenoiser(OnnxSession session, ImageSpec spec) {
        this.session = Objects.requireNonNull(session);
        this.spec = Objects.requireNonNull(spec);
        // Graphs exported elsewhere often take sigma as [N, 1, 1, 1]; both carry one value per image.
        this.sigmaAsImage = session.floatTensorShape(DenoiserGraph.INPUT_SIGMA, true).map(s -> s.length == 4).orElse(false);
    }

    @Override
    public float[] denoise(float[] x, float[] sigma) {
        long n = sigma.length;
        long[] sigmaShape = sigmaAsImage ? new long[] {n, 1, 1, 1} : new long[] {n};
        return session.run(DenoiserGraph.OUTPUT,
                new OnnxSession.Feed(DenoiserGraph.INPUT_X, x, n, spec.channels(), spec.height(), spec.width()),
                new OnnxSession.Feed(DenoiserGraph.INPUT_SIGMA, sigma, sigmaShape));
    }
}
