package io.fedfactory.generative.nn;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the float initializers of an ONNX model back as {@link Weights}, so DJL can recompute what ONNX Runtime runs. */
public final class OnnxWeights {

    private OnnxWeights() {}

    /** The float32 initializers stored as raw data, by name, in graph order. */
    public static Weights read(byte[] onnx) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
        Map<String, Weights.Tensor> out = new LinkedHashMap<>();
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber() || t.getDimsCount() == 0) continue;
            long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            float[] values = new float[t.getRawData().size() / 4];
            ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            out.put(t.getName(), new Weights.Tensor(shape, values));
        }
        return new Weights(out);
    }
}
