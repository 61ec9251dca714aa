package io.fedfactory.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model (float32 graph, default domain) from nodes and float initializers. This is how
 * weights trained with DJL become ONNX graphs that ONNX Runtime samples and serves.
 *
 * <p>Names are deterministic (a counter per op type), so the same calls give byte-identical models.
 * A dimension of {@code -1} in an input or output is symbolic (the batch, named {@code N}).
 */
public final class OnnxGraphBuilder {

    /** Operator set the graphs target; ONNX Runtime 1.29 accepts up to 26. */
    public static final int OPSET = 17;
    /** IR version written into models (ONNX 1.13+). */
    public static final int IR_VERSION = 8;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Map<String, Integer> counters = new LinkedHashMap<>();

    public OnnxGraphBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Declares a float32 graph input and returns its name. */
    public String input(String name, long... dims) {
        graph.addInput(valueInfo(name, OnnxMl.TensorProto.DataType.FLOAT, dims));
        return name;
    }

    /** Declares a float32 graph output; {@code name} must be produced by some node. */
    public void output(String name, long... dims) {
        graph.addOutput(valueInfo(name, OnnxMl.TensorProto.DataType.FLOAT, dims));
    }

    /** Adds a float32 constant tensor (weights) and returns its name. */
    public String initializer(String name, float[] values, long... dims) {
        checkCount(name, values.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        graph.addInitializer(tensor(name, OnnxMl.TensorProto.DataType.FLOAT, dims, buf.array()));
        return name;
    }

    /** Adds an int64 constant tensor (shapes, axes) and returns its name. */
    public String initializer(String name, long[] values, long... dims) {
        checkCount(name, values.length, dims);
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        graph.addInitializer(tensor(name, OnnxMl.TensorProto.DataType.INT64, dims, buf.array()));
        return name;
    }

    /** Adds a scalar float constant and returns its name. */
    public String scalar(String name, float value) {
        return initializer(name, new float[] {value});
    }

    /** Adds a node with one output and returns the output's generated name. */
    public String node(String opType, List<String> inputs, Map<String, Object> attributes) {
        return node(opType, inputs, 1, attributes)[0];
    }

    /** Adds a node with one output and no attributes. */
    public String node(String opType, String... inputs) {
        return node(opType, List.of(inputs), Map.of());
    }

    /** Adds a node with {@code outputs} outputs and returns their generated names. */
    public String[] node(String opType, List<String> inputs, int outputs, Map<String, Object> attributes) {
        int k = counters.merge(opType, 1, Integer::sum);
        String nodeName = opType.toLowerCase() + "_" + k;
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(nodeName);
        node.addAllInput(inputs);
        String[] outs = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            outs[i] = outputs == 1 ? nodeName : nodeName + "_" + i;
            node.addOutput(outs[i]);
        }
        // Sorted so that attribute order never depends on the caller's map type.
        new java.util.TreeMap<>(attributes).forEach((key, value) -> node.addAttribute(attribute(key, value)));
        graph.addNode(node);
        return outs;
    }

    /** Renames the value {@code from} to graph output {@code to} with an Identity node. */
    public String identity(String from, String to) {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName("identity_" + to)
                .addInput(from).addOutput(to));
        return to;
    }

    /** Serializes the model, with {@code metadata} as its metadata_props (sorted by key). */
    public byte[] toBytes(String producer, Map<String, String> metadata) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(producer)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        new java.util.TreeMap<>(metadata).forEach((k, v) ->
                model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }

    private static void checkCount(String name, int count, long[] dims) {
        long expected = 1;
        for (long d : dims) expected *= d;
        if (expected != count) {
            throw new IllegalArgumentException("initializer " + name + ": " + count + " values for dims "
                    + java.util.Arrays.toString(dims));
        }
    }

    private static OnnxMl.TensorProto tensor(String name, OnnxMl.TensorProto.DataType type, long[] dims, byte[] raw) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) t.addDims(d);
        return t.setRawData(ByteString.copyFrom(raw)).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, long[] dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d < 0) dim.setDimParam("N"); else dim.setDimValue(d);
            shape.addDim(dim);
        }
        OnnxMl.TypeProto.Tensor tensorType = OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(type.getNumber()).setShape(shape).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensorType)).build();
    }

    private static OnnxMl.AttributeProto attribute(String name, Object value) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
        if (value instanceof Integer || value instanceof Long) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof String s) {
            a.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] ls) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long l : ls) a.addInts(l);
        } else if (value instanceof int[] is) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (int i : is) a.addInts(i);
        } else if (value instanceof float[] fs) {
            a.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
            for (float f : fs) a.addFloats(f);
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported type " + value.getClass());
        }
        return a.build();
    }
}
