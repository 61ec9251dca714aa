package io.fedfactory.generative.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights as DJL arrays that collect gradients, updated in place by an optimizer after each backward
 * pass. The arrays belong to the manager given at construction.
 */
public final class TrainableParameters {

    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    public TrainableParameters(NDManager manager, Weights initial) {
        for (String name : initial.names()) {
            Weights.Tensor t = initial.get(name);
            NDArray a = manager.create(t.values(), new Shape(t.shape()));
            a.setRequiresGradient(true);
            arrays.put(name, a);
        }
    }

    /** The live arrays, by name, for {@link DjlTensorOps}. */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    /**
     * Applies one optimizer step from the gradients collected since the last call, then clears them
     * (PyTorch accumulates gradients across backward passes).
     */
    public void step(Optimizer optimizer) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray p = e.getValue();
            try (NDArray grad = p.getGradient()) {
                optimizer.update(e.getKey(), p, grad);
            }
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** A detached copy of the current values. */
    public Weights snapshot() {
        Map<String, Weights.Tensor> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, new Weights.Tensor(a.getShape().getShape(), a.toFloatArray())));
        return new Weights(out);
    }
}
