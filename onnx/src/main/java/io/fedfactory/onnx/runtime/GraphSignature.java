package io.fedfactory.onnx.runtime;

import java.util.Map;

/** A graph's inputs and outputs by name, in the graph's order, as ONNX Runtime reports them. */
public record GraphSignature(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {

    public GraphSignature {
        inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
    }

    /**
     * One input or output: whether it is a float32 tensor, and its shape (-1 for a symbolic dimension; empty
     * for a value that is not a tensor).
     */
    public record Tensor(boolean float32, long[] shape) {
    }

    /** "inputs [..], outputs [..]", for error messages. */
    @Override
    public String toString() {
        return "inputs " + inputs.keySet() + ", outputs " + outputs.keySet();
    }
}
