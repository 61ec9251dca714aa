package io.fedfactory.generative.nn;

import io.fedfactory.onnx.OnnxGraphBuilder;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link TensorOps} that emit ONNX nodes: running a network through this writes its graph, with the
 * trained weights as initializers. Tensors are value names.
 */
public final class OnnxTensorOps implements TensorOps<String> {

    private final OnnxGraphBuilder graph;
    private final Weights weights;
    private final Set<String> emitted = new HashSet<>();
    private int constants;

    public OnnxTensorOps(OnnxGraphBuilder graph, Weights weights) {
        this.graph = Objects.requireNonNull(graph);
        this.weights = Objects.requireNonNull(weights);
    }

    @Override
    public String parameter(String name) {
        if (emitted.add(name)) {
            Weights.Tensor t = weights.get(name);
            graph.initializer(name, t.values(), t.shape());
        }
        return name;
    }

    @Override
    public String constant(float[] values, long... shape) {
        return graph.initializer("const." + (++constants), values, shape);
    }

    @Override
    public String scalar(float value) {
        return graph.scalar("const." + (++constants), value);
    }

    @Override
    public String add(String a, String b) {
        return graph.node("Add", a, b);
    }

    @Override
    public String sub(String a, String b) {
        return graph.node("Sub", a, b);
    }

    @Override
    public String mul(String a, String b) {
        return graph.node("Mul", a, b);
    }

    @Override
    public String div(String a, String b) {
        return graph.node("Div", a, b);
    }

    @Override
    public String sqrt(String x) {
        return graph.node("Sqrt", x);
    }

    @Override
    public String log(String x) {
        return graph.node("Log", x);
    }

    @Override
    public String sin(String x) {
        return graph.node("Sin", x);
    }

    @Override
    public String cos(String x) {
        return graph.node("Cos", x);
    }

    @Override
    public String sigmoid(String x) {
        return graph.node("Sigmoid", x);
    }

    @Override
    public String greater(String x, String threshold) {
        // Cast to 1 = FLOAT (TensorProto.DataType).
        return graph.node("Cast", List.of(graph.node("Greater", x, threshold)), Map.of("to", 1));
    }

    @Override
    public String conv2d(String x, String weight, String bias, int stride, int padding) {
        return graph.node("Conv", List.of(x, weight, bias), Map.of(
                "strides", new long[] {stride, stride},
                "pads", new long[] {padding, padding, padding, padding}));
    }

    @Override
    public String linear(String x, String weight, String bias) {
        return graph.node("Gemm", List.of(x, weight, bias), Map.of("transB", 1));
    }

    @Override
    public String columns(String x, long from, long to) {
        String starts = graph.initializer("slice." + (++constants), new long[] {from}, 1);
        String ends = graph.initializer("slice." + (++constants), new long[] {to}, 1);
        String axes = graph.initializer("slice." + (++constants), new long[] {1}, 1);
        return graph.node("Slice", x, starts, ends, axes);
    }

    @Override
    public String concat(String a, String b) {
        return graph.node("Concat", List.of(a, b), Map.of("axis", 1));
    }

    @Override
    public String reshape(String x, long... shape) {
        String s = graph.initializer("shape." + (++constants), shape.clone(), shape.length);
        return graph.node("Reshape", x, s);
    }

    @Override
    public String groupStandardize(String x, int groups, long channels, long height, long width, float epsilon) {
        // Opset 17 has no GroupNormalization: instance-normalize [N, groups, rest] with unit scale, zero bias.
        String grouped = reshape(x, 0, groups, -1);
        float[] ones = new float[groups];
        java.util.Arrays.fill(ones, 1f);
        String scale = constant(ones, groups);
        String bias = constant(new float[groups], groups);
        String normed = graph.node("InstanceNormalization", List.of(grouped, scale, bias), Map.of("epsilon", epsilon));
        return reshape(normed, 0, channels, height, width);
    }
}
