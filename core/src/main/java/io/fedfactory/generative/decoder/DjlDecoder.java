package io.fedfactory.generative.decoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fedfactory.generative.nn.DjlTensorOps;
import io.fedfactory.generative.nn.Weights;

import java.util.LinkedHashMap;
import java.util.Map;

/** The same sampler (fitted prior, if any, then decoder) computed by DJL from the same weights: the reference for the ONNX export. */
public final class DjlDecoder implements Decoder, AutoCloseable {

    private final Vae vae;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    public DjlDecoder(Vae vae, Weights weights) {
        this.vae = vae;
        this.manager = Engine.getEngine("PyTorch").newBaseManager();
        for (String name : weights.names()) {
            Weights.Tensor t = weights.get(name);
            parameters.put(name, manager.create(t.values(), new Shape(t.shape())));
        }
    }

    @Override
    public float[] decode(float[] z, int n) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray latents = scratch.create(z, new Shape(n, vae.noiseDim()));
            return vae.sample(new DjlTensorOps(scratch, parameters), latents).toFloatArray();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
