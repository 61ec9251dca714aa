package io.fedfactory.generative.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

import java.util.Map;
import java.util.Objects;

/**
 * {@link TensorOps} on DJL arrays. Every intermediate result is attached to {@code scratch}, so
 * closing that manager after a step frees the step's memory while the parameters live on.
 */
public final class DjlTensorOps implements TensorOps<NDArray> {

    private final NDManager scratch;
    private final Map<String, NDArray> parameters;

    public DjlTensorOps(NDManager scratch, Map<String, NDArray> parameters) {
        this.scratch = Objects.requireNonNull(scratch);
        this.parameters = Objects.requireNonNull(parameters);
    }

    private NDArray keep(NDArray a) {
        a.attach(scratch);
        return a;
    }

    @Override
    public NDArray parameter(String name) {
        NDArray p = parameters.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named '" + name + "'");
        return p;
    }

    @Override
    public NDArray constant(float[] values, long... shape) {
        return scratch.create(values, new Shape(shape));
    }

    @Override
    public NDArray scalar(float value) {
        return scratch.create(value);
    }

    @Override
    public NDArray add(NDArray a, NDArray b) {
        return keep(a.add(b));
    }

    @Override
    public NDArray sub(NDArray a, NDArray b) {
        return keep(a.sub(b));
    }

    @Override
    public NDArray mul(NDArray a, NDArray b) {
        return keep(a.mul(b));
    }

    @Override
    public NDArray div(NDArray a, NDArray b) {
        return keep(a.div(b));
    }

    @Override
    public NDArray sqrt(NDArray x) {
        return keep(x.sqrt());
    }

    @Override
    public NDArray log(NDArray x) {
        return keep(x.log());
    }

    @Override
    public NDArray sin(NDArray x) {
        return keep(x.sin());
    }

    @Override
    public NDArray cos(NDArray x) {
        return keep(x.cos());
    }

    @Override
    public NDArray sigmoid(NDArray x) {
        return keep(Activation.sigmoid(x));
    }

    @Override
    public NDArray greater(NDArray x, NDArray threshold) {
        NDArray above = keep(x.gt(threshold));
        return keep(above.toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
    }

    @Override
    public NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return keep(Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), 1).singletonOrThrow());
    }

    @Override
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return keep(Linear.linear(x, weight, bias).singletonOrThrow());
    }

    @Override
    public NDArray columns(NDArray x, long from, long to) {
        return keep(x.get(new NDIndex(":, " + from + ":" + to)));
    }

    @Override
    public NDArray concat(NDArray a, NDArray b) {
        return keep(a.concat(b, 1));
    }

    @Override
    public NDArray reshape(NDArray x, long... shape) {
        long[] dims = shape.clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) dims[i] = x.getShape().get(i);
        }
        return keep(x.reshape(dims));
    }

    @Override
    public NDArray groupStandardize(NDArray x, int groups, long channels, long height, long width, float epsilon) {
        // PyTorch's fused layer norm over each (sample, group) row; unit scale and zero shift are exact.
        long n = x.getShape().get(0);
        long rowLength = channels / groups * height * width;
        NDArray grouped = keep(x.reshape(n, groups, rowLength));
        NDArray ones = scratch.ones(new Shape(rowLength));
        NDArray zeros = scratch.zeros(new Shape(rowLength));
        NDArray normed = keep(LayerNorm.layerNorm(grouped, new Shape(rowLength), ones, zeros, epsilon).singletonOrThrow());
        return keep(normed.reshape(n, channels, height, width));
    }
}
