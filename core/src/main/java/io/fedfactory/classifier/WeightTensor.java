package io.fedfactory.classifier;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named float32 tensor of a trained network, row-major. Immutable: arrays are copied in and out,
 * except {@link #valuesView()} for hot loops, which must not be written to.
 */
public final class WeightTensor {

    private final String name;
    private final long[] shape;
    private final float[] values;

    public WeightTensor(String name, long[] shape, float[] values) {
        this.name = Objects.requireNonNull(name, "name");
        if (name.isEmpty()) throw new IllegalArgumentException("weight tensor name must not be empty");
        long count = 1;
        for (long d : shape) {
            if (d < 1) throw new IllegalArgumentException("weight " + name + ": dimension " + d + " in shape "
                    + Arrays.toString(shape) + " must be at least 1");
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("weight " + name + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("weight " + name + ": value[" + i + "] = " + values[i] + " is not finite");
            }
        }
        this.shape = shape.clone();
        this.values = values.clone();
    }

    public String name() { return name; }

    public long[] shape() { return shape.clone(); }

    public int size() { return values.length; }

    public float[] values() { return values.clone(); }

    /** The backing array; read only. */
    public float[] valuesView() { return values; }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
