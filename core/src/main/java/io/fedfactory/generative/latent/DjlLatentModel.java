package io.fedfactory.generative.latent;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fedfactory.generative.nn.DjlTensorOps;
import io.fedfactory.generative.nn.Weights;
import java.util.LinkedHashMap;
import java.util.Map;

/** The same latent-diffusion computation by DJL from the same weights: the reference for the ONNX export. */
public final class DjlLatentModel implements LatentModel, AutoCloseable {

    private final LatentDiffusionModel model;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    public DjlLatentModel(LatentDiffusionModel model, Weights weights) {
        this.model = model;
        this.manager = Engine.getEngine("PyTorch").newBaseManager();
        for (String name : weights.names()) {
            Weights.Tensor t = weights.get(name);
            parameters.put(name, manager.create(t.values(), new Shape(t.shape())));
        }
    }

    @Override
    public float[] denoise(float[] x, float[] sigma) {
        try (NDManager scratch = manager.newSubManager()) {
            DjlTensorOps ops = new DjlTensorOps(scratch, parameters);
            return model.denoise(ops, latents(scratch, x, sigma.length), scratch.create(sigma)).toFloatArray();
        }
    }

    @Override
    public float[] decodeDenoised(float[] x, float[] sigma) {
        try (NDManager scratch = manager.newSubManager()) {
            DjlTensorOps ops = new DjlTensorOps(scratch, parameters);
            NDArray denoised = model.denoise(ops, latents(scratch, x, sigma.length), scratch.create(sigma));
            return model.decode(ops, denoised).toFloatArray();
        }
    }

    private NDArray latents(NDManager scratch, float[] x, int n) {
        return scratch.create(x, new Shape(n, model.latentDim()));
    }

    @Override
    public void close() {
        manager.close();
    }
}
