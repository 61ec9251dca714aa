package io.fedfactory.generative;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX Runtime session over a module's bytes with pinned threads: intra-op threads as asked,
 * one inter-op thread, sequential execution, and no spinning (the cores are shared).
 */
public final class OnnxSession implements AutoCloseable {

    /** One named float32 input. */
    public record Feed(String name, float[] values, long... shape) {}

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    /** Buffers of calls that have finished, for the next ones (one per concurrent caller at most). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Scratch> scratchPool = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Map<String, long[]> outputShapes = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Runs the graph and returns output {@code output} as a flat array. Safe to call from several threads
     * at once (ONNX Runtime runs a session concurrently). Each call borrows reusable direct buffers: the
     * inputs are copied into them once and ONNX Runtime reads them in place, and the output is written by
     * ONNX Runtime straight into a direct buffer (a pinned output) and copied once into the array returned.
     */
    public float[] run(String output, Feed... feeds) {
        Scratch scratch = scratchPool.poll();
        if (scratch == null) scratch = new Scratch(feeds.length);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        OnnxTensor pinned = null;
        try {
            long n = -1;
            for (int i = 0; i < feeds.length; i++) {
                Feed f = feeds[i];
                FloatBuffer in = scratch.input(i, f.values().length);
                in.put(0, f.values());
                inputs.put(f.name(), OnnxTensor.createTensor(env, in.slice(0, f.values().length), f.shape()));
                if (f.shape().length > 0) n = f.shape()[0];
            }
            long[] shape = outputShape(output, n);
            if (shape != null) {
                int size = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
                pinned = OnnxTensor.createTensor(env, scratch.output(size).slice(0, size), shape);
                try (OrtSession.Result result = session.run(inputs, Map.of(output, pinned))) {
                    float[] out = new float[size];
                    scratch.output.get(0, out);
                    return out;
                }
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
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
            if (pinned != null) pinned.close();
            scratchPool.offer(scratch);
        }
    }

    /**
     * The output's shape for a batch of {@code n} when the graph declares it with only the batch dimension
     * symbolic (the module contracts do), so it can be pinned; null otherwise (ONNX Runtime allocates it).
     */
    private long[] outputShape(String output, long n) {
        long[] declared = outputShapes.computeIfAbsent(output, name -> floatTensorShape(name, false).orElse(new long[0]));
        if (declared.length == 0 || n < 0) return null;
        long[] shape = declared.clone();
        if (shape[0] != -1 && shape[0] != n) return null;
        shape[0] = n;
        for (int i = 1; i < shape.length; i++) if (shape[i] < 1) return null;
        return shape;
    }

    /** Direct buffers in native order, grown as needed and reused by one call at a time. */
    private static final class Scratch {
        private final FloatBuffer[] inputs;
        private FloatBuffer output;

        Scratch(int feeds) {
            inputs = new FloatBuffer[Math.max(1, feeds)];
        }

        FloatBuffer input(int i, int size) {
            if (i >= inputs.length) return direct(size);
            if (inputs[i] == null || inputs[i].capacity() < size) inputs[i] = direct(size);
            return inputs[i];
        }

        FloatBuffer output(int size) {
            if (output == null || output.capacity() < size) output = direct(size);
            return output;
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
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
