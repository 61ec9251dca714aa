package io.fedfactory.aggregator.models;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Makes a published classifier unable to predict classes no admitted module covers (for example a
 * class whose only site was unlearned): its "probabilities" output is multiplied by a 0/1 mask and
 * renormalized. The classifier saw no sample of such a class, so this only turns "very unlikely"
 * into "never"; the trained weights, and so their hash, are untouched.
 */
public final class ClassMask {

    static final String OUTPUT = "probabilities";

    /** {@code onnx} with {@code covered[k] == false} classes masked; unchanged when all are covered. */
    public static byte[] apply(byte[] onnx, boolean[] covered) {
        boolean all = true;
        for (boolean c : covered) all &= c;
        if (all) return onnx;
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("classifier ONNX does not parse", e);
        }
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        String raw = "unmasked_probabilities";
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto.Builder n = g.getNodeBuilder(i);
            for (int o = 0; o < n.getOutputCount(); o++) {
                if (n.getOutput(o).equals(OUTPUT)) n.setOutput(o, raw);
            }
        }
        float[] mask = new float[covered.length];
        for (int k = 0; k < mask.length; k++) mask[k] = covered[k] ? 1f : 0f;
        ByteBuffer buf = ByteBuffer.allocate(mask.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(mask);
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("class_mask").addDims(mask.length)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(buf.array())));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("class_mask_axes").addDims(1)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .setRawData(ByteString.copyFrom(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array())));
        g.addNode(node("Mul", List.of(raw, "class_mask"), "masked_probabilities"));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceSum").setName("class_mask_sum")
                .addInput("masked_probabilities").addInput("class_mask_axes").addOutput("masked_sum")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims").setI(1)
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)));
        g.addNode(node("Div", List.of("masked_probabilities", "masked_sum"), OUTPUT));
        return model.toBuilder().setGraph(g).build().toByteArray();
    }

    private static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName("class_mask_" + op.toLowerCase())
                .addAllInput(inputs).addOutput(output).build();
    }

    private ClassMask() {
    }
}
