package io.fedfactory.generative.diffusion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.nn.DjlTensorOps;
import io.fedfactory.generative.nn.Weights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The same denoiser computed by DJL from the same weights: the reference the ONNX export is checked
 * against, and a way to sample without ONNX Runtime.
 */
public final class DjlDenoiser implements Denoiser, AutoCloseable {

    private final UNet net;
    private final ImageSpec spec;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    public DjlDenoiser(UNet net, ImageSpec spec, Weights weights) {
        this.net = net;
        this.spec = spec;
        this.manager = Engine.getEngine("PyTorch").newBaseManager();
        for (String name : weights.names()) {
            Weights.Tensor t = weights.get(name);
            parameters.put(name, manager.create(t.values(), new Shape(t.shape())));
        }
    }

    @Override
    public float[] denoise(float[] x, float[] sigma) {
        int n = sigma.length;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray xs = scratch.create(x, new Shape(n, spec.channels(), spec.height(), spec.width()));
            NDArray s = scratch.create(sigma, new Shape(n));
            return net.denoise(new DjlTensorOps(scratch, parameters), xs, s).toFloatArray();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
