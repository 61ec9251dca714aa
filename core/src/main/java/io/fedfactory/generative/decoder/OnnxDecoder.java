package io.fedfactory.generative.decoder;

import io.fedfactory.onnx.runtime.OnnxModel;

import java.util.Objects;

/** A decoder module's ONNX graph run by ONNX Runtime. */
public final class OnnxDecoder implements Decoder {

    private final OnnxModel session;
    private final int latentDim;

    /** Uses {@code session} (not closed here) whose graph follows {@link DecoderGraph}'s contract. */
    public OnnxDecoder(OnnxModel session, int latentDim) {
        this.session = Objects.requireNonNull(session);
        this.latentDim = latentDim;
    }

    @Override
    public float[] decode(float[] z, int n) {
        return session.run(DecoderGraph.OUTPUT, new OnnxModel.Feed(DecoderGraph.INPUT, z, n, latentDim));
    }
}
