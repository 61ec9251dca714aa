package io.fedfactory.generative;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX Runtime session over a module's bytes with pinned threads: intra-op threads as asked,
 * one inter-op thread, sequential execution, and no spinning (the cores are shared).
 */
public final class OnnxSession implements AutoCloseable {

    /** One named float32 input. */
    public record Feed(String name, float[] values, long... shape) {}

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    private OnnxSession(OrtSession session) {
        this.session = session;
    }

    public static OnnxSession open(byte[] onnx, int intraOpThreads) {
        if (intraOpThreads < 1 || intraOpThreads > 256) {
            throw new IllegalArgumentException("intra-op threads must be in [1, 256], got " + intraOpThreads);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return new OnnxSession(OrtEnvironment.getEnvironment().createSession(onnx, options));
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the module: " + e.getMessage(), e);
        }
    }

    /** Shape of the float tensor input or output {@code name} (-1 for symbolic dims), if the graph has one. */
    public Optional<long[]> floatTensorShape(String name, boolean input) {
        try {
            NodeInfo info = (input ? session.getInputInfo() : session.getOutputInfo()).get(name);
            if (info == null || !(info.getInfo() instanceof TensorInfo t)
                    || t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                return Optional.empty();
            }
            return Optional.of(t.getShape());
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read the module's signature: " + e.getMessage(), e);
        }
    }

    /** The graph's inputs and outputs, for {@link ModuleContract#checkGraph}. */
    public ModuleContract.Signature contractSignature() {
        return ModuleContract.Signature.of(session);
    }

    /** Names of the graph's inputs and outputs, for error messages. */
    public String signature() {
        try {
            return "inputs " + session.getInputNames() + ", outputs " + session.getOutputNames();
        } catch (RuntimeException e) {
            return "unknown signature";
        }
    }

    /** Runs the graph and returns output {@code output} as a flat array. */
    public float[] run(String output, Feed... feeds) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Feed f : feeds) {
                inputs.put(f.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(f.values()), f.shape()));
            }
            try (OrtSession.Result result = session.run(inputs, java.util.Set.of(output))) {
                OnnxValue v = result.get(output).orElseThrow(() ->
                        new IllegalStateException("module produced no output '" + output + "'"));
                FloatBuffer buf = ((OnnxTensor) v).getFloatBuffer();
                float[] out = new float[buf.remaining()];
                buf.get(out);
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the module on inputs "
                    + Arrays.stream(feeds).map(f -> f.name() + Arrays.toString(f.shape())).toList() + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close ONNX Runtime session", e);
        }
    }
}
