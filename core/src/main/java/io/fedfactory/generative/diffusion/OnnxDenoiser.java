package io.fedfactory.generative.diffusion;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.OnnxSession;

import java.util.Objects;

/** A diffusion module's ONNX graph run by ONNX Runtime. */
public final class OnnxDenoiser implements Denoiser {

    private final OnnxSession session;
    private final ImageSpec spec;

    /** Uses {@code session} (not closed here) whose graph follows {@link DenoiserGraph}'s contract. */
    public OnnxDenoiser(OnnxSession session, ImageSpec spec) {
        this.session = Objects.requireNonNull(session);
        this.spec = Objects.requireNonNull(spec);
    }

    @Override
    public float[] denoise(float[] x, float[] sigma) {
        long n = sigma.length;
        return session.run(DenoiserGraph.OUTPUT,
                new OnnxSession.Feed(DenoiserGraph.INPUT_X, x, n, spec.channels(), spec.height(), spec.width()),
                new OnnxSession.Feed(DenoiserGraph.INPUT_SIGMA, sigma, n));
    }
}
