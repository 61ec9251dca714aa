package io.fedfactory.generative.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Named float tensors in a fixed order: a network's trained parameters, detached from any engine. */
public final class Weights {

    /** One tensor: its shape and row-major values. */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            shape = shape.clone();
            values = values.clone();
            long n = 1;
            for (long d : shape) {
                if (d < 1) throw new IllegalArgumentException("tensor dims must be >= 1, got " + Arrays.toString(shape));
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + values.length);
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }
    }

    private final Map<String, Tensor> tensors;

    public Weights(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The tensor called {@code name}; fails naming it if absent. */
    public Tensor get(String name) {
        Tensor t = tensors.get(Objects.requireNonNull(name));
        if (t == null) throw new IllegalArgumentException("no weight named '" + name + "'");
        return t;
    }

    /** These tensors followed by {@code more} (a name in both takes {@code more}'s tensor, at its first place). */
    public Weights with(Map<String, Tensor> more) {
        Map<String, Tensor> all = new LinkedHashMap<>(tensors);
        all.putAll(more);
        return new Weights(all);
    }

    /** Names in insertion order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** Total number of scalars. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.values.length;
        return n;
    }

    /** The first tensor holding a NaN or infinity, or null if all are finite. */
    public String firstNonFinite() {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            for (float v : e.getValue().values) {
                if (!Float.isFinite(v)) return e.getKey();
            }
        }
        return null;
    }
}
