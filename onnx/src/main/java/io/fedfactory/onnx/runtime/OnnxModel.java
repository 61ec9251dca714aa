package io.fedfactory.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A model loaded in ONNX Runtime: the one way the project opens a session. It owns the process's
 * {@link OrtEnvironment} and pins every session's options alike, so the same model and inputs give
 * bit-identical outputs in every service: the caller's intra-op threads ({@link SessionSettings}), one
 * inter-op thread, sequential execution, every graph optimization ({@code ALL_OPT}, ONNX Runtime's
 * default, written down), deterministic compute, and no spinning unless asked.
 *
 * <p>Runs take and give float32 tensors. Each call borrows reusable direct buffers: an input that is
 * not already a direct buffer in native order is copied into one once and ONNX Runtime reads it in
 * place; an output whose shape the graph declares up to the batch dimension is written by ONNX Runtime
 * straight into a direct buffer (a pinned output) and copied once into the array returned. Safe to run
 * from several threads at once (one set of buffers per concurrent call); close it once.
 */
public final class OnnxModel implements AutoCloseable {

    /**
     * One named float32 input: {@code shape}'s product of values, read from {@code values}' position (the
     * buffer is not moved). A direct buffer in native order is read in place, any other is copied once.
     */
    public record Feed(String name, FloatBuffer values, long... shape) {

        public Feed {
            long count = 1;
            for (long d : shape) {
                if (d < 0) throw new IllegalArgumentException("input '" + name + "': dimension " + d + " in "
                        + Arrays.toString(shape) + " is negative");
                count = Math.multiplyExact(count, d);
            }
            if (count > values.remaining()) {
                throw new IllegalArgumentException("input '" + name + "' of shape " + Arrays.toString(shape) + " needs "
                        + count + " values, got " + values.remaining());
            }
        }

        /** All of {@code values}, which must hold exactly {@code shape}'s product. */
        public Feed(String name, float[] values, long... shape) {
            this(name, FloatBuffer.wrap(values), shape);
            if (count() != values.length) {
                throw new IllegalArgumentException("input '" + name + "' of shape " + Arrays.toString(shape) + " needs "
                        + count() + " values, got " + values.length);
            }
        }

        int count() {
            return Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        }
    }

    /** A float32 output and the shape ONNX Runtime gave it. */
    public record FloatTensor(long[] shape, float[] values) {
    }

    private static final OrtEnvironment ENV = environment();

    /**
     * The process's environment, with ONNX Runtime's telemetry off: no site, hospital or coordinator
     * sends usage events anywhere. (The environment variable {@code ORT_DISABLE_TELEMETRY=1}, which the
     * launchers and images set, also stops the device-id probe it runs when the environment is created.)
     */
    private static OrtEnvironment environment() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            env.setTelemetry(false);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused to turn its telemetry off: " + e.getMessage(), e);
        }
        return env;
    }

    private final String name;
    private final OrtSession session;
    private final GraphSignature signature;
    private final Map<String, String> customMetadata;
    /** Buffers of calls that have finished, for the next ones (one per concurrent caller at most). */
    private final ConcurrentLinkedQueue<Scratch> scratchPool = new ConcurrentLinkedQueue<>();

    private OnnxModel(String name, OrtSession session, GraphSignature signature, Map<String, String> customMetadata) {
        this.name = name;
        this.session = session;
        this.signature = signature;
        this.customMetadata = customMetadata;
    }

    /** Opens the model in {@code file}; {@link OnnxLoadException} names the file when it cannot. */
    public static OnnxModel open(Path file, SessionSettings settings) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new OnnxLoadException(name, "ONNX model " + name + " does not exist or is not a regular file", null);
        }
        return create(name, options -> ENV.createSession(name, options), settings);
    }

    /**
     * Opens a model from its bytes; {@code name} says which model it is in errors and logs (a version, a
     * module id, a file the bytes came from).
     */
    public static OnnxModel open(String name, byte[] model, SessionSettings settings) {
        if (model.length == 0) {
            throw new OnnxLoadException(name, "ONNX model " + name + " is empty (0 bytes)", null);
        }
        return create(name + " (" + model.length + " bytes)", options -> ENV.createSession(model, options), settings);
    }

    /** The ONNX Runtime version every session runs on. */
    public static String runtimeVersion() {
        return ENV.getVersion();
    }

    private interface Creator {
        OrtSession create(OrtSession.SessionOptions options) throws OrtException;
    }

    private static OnnxModel create(String name, Creator creator, SessionSettings settings) {
        OrtSession session;
        try (OrtSession.SessionOptions options = pinnedOptions(settings)) {
            try {
                session = creator.create(options);
            } catch (OrtException | RuntimeException e) {
                throw new OnnxLoadException(name, "ONNX Runtime cannot load " + name + ": " + e.getMessage(), e);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected the pinned session options " + settings + ": "
                    + e.getMessage(), e);
        }
        try {
            return new OnnxModel(name, session, new GraphSignature(tensors(session.getInputInfo()),
                    tensors(session.getOutputInfo())), Map.copyOf(session.getMetadata().getCustomMetadata()));
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new OnnxLoadException(name, "ONNX Runtime cannot describe " + name + "'s graph: " + e.getMessage(), e);
        }
    }

    /** The options of every session; only the threads and spinning come from the caller. */
    private static OrtSession.SessionOptions pinnedOptions(SessionSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setDeterministicCompute(true);
            options.addConfigEntry("session.intra_op.allow_spinning", settings.allowSpinning() ? "1" : "0");
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static Map<String, GraphSignature.Tensor> tensors(Map<String, NodeInfo> info) {
        Map<String, GraphSignature.Tensor> out = new LinkedHashMap<>();
        info.forEach((n, node) -> out.put(n, node.getInfo() instanceof TensorInfo t
                ? new GraphSignature.Tensor(t.type == OnnxJavaType.FLOAT, t.getShape())
                : new GraphSignature.Tensor(false, new long[0])));
        return out;
    }

    /** The model's name, as opened: its file, or the label and size of its bytes. */
    public String name() {
        return name;
    }

    /** The graph's inputs and outputs. */
    public GraphSignature signature() {
        return signature;
    }

    /** The model's custom metadata (producer's key-value pairs), empty if it has none. */
    public Map<String, String> customMetadata() {
        return customMetadata;
    }

    /** Runs the graph and returns output {@code output} as a flat array. */
    public float[] run(String output, Feed... feeds) {
        return runTensor(output, feeds).values();
    }

    /** Runs the graph and returns output {@code output} with its shape (to check a shape the graph leaves open). */
    public FloatTensor runTensor(String output, Feed... feeds) {
        return execute(output, feeds, (values, shape) -> {
            float[] out = new float[values.remaining()];
            values.get(0, out);
            return new FloatTensor(shape, out);
        });
    }

    /** Runs the graph and returns output {@code output} as one row per index of its first dimension. */
    public float[][] runRows(String output, Feed... feeds) {
        return execute(output, feeds, (values, shape) -> {
            if (shape.length == 0) {
                throw new OnnxRunException(name, "output '" + output + "' of " + name + " is a scalar, not rows", null);
            }
            int rows = Math.toIntExact(shape[0]);
            int cols = rows == 0 ? 0 : values.remaining() / rows;
            float[][] out = new float[rows][cols];
            for (int i = 0; i < rows; i++) values.get(i * cols, out[i]);
            return out;
        });
    }

    private interface Reader<T> {
        /** {@code values} from index 0 to its limit, valid only during the call. */
        T read(FloatBuffer values, long[] shape);
    }

    private <T> T execute(String output, Feed[] feeds, Reader<T> reader) {
        Scratch scratch = scratchPool.poll();
        if (scratch == null) scratch = new Scratch(feeds.length);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        OnnxTensor pinned = null;
        try {
            long batch = -1;
            for (int i = 0; i < feeds.length; i++) {
                Feed f = feeds[i];
                int count = f.count();
                FloatBuffer in;
                if (f.values().isDirect() && f.values().order() == ByteOrder.nativeOrder()) {
                    in = f.values().slice(f.values().position(), count);
                } else {
                    FloatBuffer direct = scratch.input(i, count);
                    direct.put(0, f.values(), f.values().position(), count);
                    in = direct.slice(0, count);
                }
                inputs.put(f.name(), OnnxTensor.createTensor(ENV, in, f.shape()));
                if (batch < 0 && f.shape().length > 0) batch = f.shape()[0];
            }
            long[] shape = pinnableShape(output, batch);
            if (shape != null) {
                int size = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
                FloatBuffer out = scratch.output(size).slice(0, size);
                pinned = OnnxTensor.createTensor(ENV, out, shape);
                try (OrtSession.Result ignored = session.run(inputs, Map.of(output, pinned))) {
                    return reader.read(out, shape);
                }
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
                OnnxValue v = result.get(output).orElseThrow(() -> new OnnxRunException(name,
                        name + " produced no output '" + output + "'", null));
                if (!(v instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new OnnxRunException(name, "output '" + output + "' of " + name
                            + " is not a float32 tensor at run time", null);
                }
                return reader.read(t.getFloatBuffer().slice(), t.getInfo().getShape());
            }
        } catch (OrtException e) {
            throw new OnnxRunException(name, "ONNX Runtime failed to run " + name + " on inputs "
                    + Arrays.stream(feeds).map(f -> f.name() + Arrays.toString(f.shape())).toList() + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            if (pinned != null) pinned.close();
            scratchPool.offer(scratch);
        }
    }

    /**
     * The output's shape for a batch of {@code n} when the graph declares it as float32 with only the batch
     * dimension symbolic (the project's graphs do), so it can be pinned; null otherwise (ONNX Runtime
     * allocates it).
     */
    private long[] pinnableShape(String output, long n) {
        GraphSignature.Tensor declared = signature.outputs().get(output);
        if (declared == null || !declared.float32() || declared.shape().length == 0 || n < 0) return null;
        long[] shape = declared.shape().clone();
        if (shape[0] != -1 && shape[0] != n) return null;
        shape[0] = n;
        for (int i = 1; i < shape.length; i++) if (shape[i] < 1) return null;
        return shape;
    }

    /** Direct buffers in native order, grown as needed and reused by one call at a time. */
    private static final class Scratch {
        private FloatBuffer[] inputs;
        private FloatBuffer output;

        Scratch(int feeds) {
            inputs = new FloatBuffer[Math.max(1, feeds)];
        }

        FloatBuffer input(int i, int size) {
            if (i >= inputs.length) inputs = Arrays.copyOf(inputs, i + 1);
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
            throw new IllegalStateException("cannot close the ONNX Runtime session of " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + signature + ")";
    }
}
