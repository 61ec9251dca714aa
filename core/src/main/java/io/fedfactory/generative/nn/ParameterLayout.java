package io.fedfactory.generative.nn;

import io.fedfactory.determinism.SplitMix64;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters a network declares, with how each is initialized, in declaration order. */
public final class ParameterLayout {

    private record Entry(long[] shape, long fanIn, float constant) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /**
     * A weight drawn uniformly from +-sqrt(3 / fanIn) (unit-variance outputs for unit-variance inputs),
     * scaled by {@code gain}.
     */
    public ParameterLayout uniform(String name, long fanIn, float gain, long... shape) {
        return put(name, new Entry(shape.clone(), fanIn, gain));
    }

    /** A tensor filled with {@code value} (biases, normalization scales). */
    public ParameterLayout filled(String name, float value, long... shape) {
        return put(name, new Entry(shape.clone(), 0, value));
    }

    private ParameterLayout put(String name, Entry e) {
        if (entries.putIfAbsent(name, e) != null) {
            throw new IllegalArgumentException("parameter '" + name + "' declared twice");
        }
        return this;
    }

    /** Fresh weights from {@code seed}; each tensor draws from its own child stream, in declaration order. */
    public Weights initialize(long seed) {
        Map<String, Weights.Tensor> out = new LinkedHashMap<>();
        long index = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry en = e.getValue();
            long n = 1;
            for (long d : en.shape) n *= d;
            float[] v = new float[Math.toIntExact(n)];
            if (en.fanIn > 0) {
                SplitMix64 rng = SplitMix64.derived(seed, "parameter", index);
                double bound = en.constant * Math.sqrt(3.0 / en.fanIn);
                for (int i = 0; i < v.length; i++) v[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
            } else {
                java.util.Arrays.fill(v, en.constant);
            }
            out.put(e.getKey(), new Weights.Tensor(en.shape, v));
            index++;
        }
        return new Weights(out);
    }
}
