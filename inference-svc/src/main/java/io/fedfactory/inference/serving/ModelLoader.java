package io.fedfactory.inference.serving;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fedfactory.inference.batching.MicroBatcher;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Turns verified bytes into a {@link ServedModel}: opens an ONNX Runtime session with pinned threads,
 * checks the graph's signature against the version's image spec and label count, and runs one probe
 * image whose output must be a probability distribution. A model that fails any check is closed and
 * never served.
 */
final class ModelLoader {

    private static final double SUM_TOLERANCE = 1e-3;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final ServingSettings settings;

    ModelLoader(ServingSettings settings) {
        this.settings = settings;
    }

    ServedModel load(ModelVersionInfo info, ImageSpec spec, List<String> labels, byte[] onnx,
                     IntConsumer batchSizes) throws FetchFailure {
        OrtSession session;
        try (OrtSession.SessionOptions options = sessionOptions()) {
            session = env.createSession(onnx, options);
        } catch (OrtException e) {
            throw new FetchFailure("load", "ONNX Runtime cannot load " + info.getVersion() + ": " + e.getMessage(), e);
        }
        try {
            checkSignature(info.getVersion(), session, spec, labels.size());
            OnnxClassifier classifier = new OnnxClassifier(env, session, spec.getChannels(), spec.getHeight(),
                    spec.getWidth(), labels.size());
            ServedModel model = new ServedModel(info, spec, labels, session, classifier);
            probe(model);
            model.attach(new MicroBatcher(info.getVersion(), classifier::run, model.imageSize(),
                    settings.maxBatch(), settings.maxWait(), settings.batchWorkers(), settings.queueCapacity(), batchSizes));
            return model;
        } catch (FetchFailure | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        // Pinned: the service shares its cores with the request threads and the batcher; a session
        // that sizes its pool to every core would fight them.
        options.setIntraOpNumThreads(settings.intraOpThreads());
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // Spinning threads burn the cores other processes on a small machine need between batches.
        options.addConfigEntry("session.intra_op.allow_spinning", settings.allowSpinning() ? "1" : "0");
        return options;
    }

    static void checkSignature(String version, OrtSession session, ImageSpec spec, int classes) throws FetchFailure {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1 || !inputs.containsKey(OnnxClassifier.INPUT)) {
                throw signature(version, "the graph must take exactly one input \"" + OnnxClassifier.INPUT
                        + "\", it takes " + inputs.keySet());
            }
            long[] expectedIn = {-1, spec.getChannels(), spec.getHeight(), spec.getWidth()};
            checkTensor(version, "input", OnnxClassifier.INPUT, inputs.get(OnnxClassifier.INPUT), expectedIn, true);
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (!outputs.containsKey(OnnxClassifier.OUTPUT)) {
                throw signature(version, "the graph has no output \"" + OnnxClassifier.OUTPUT + "\", only " + outputs.keySet());
            }
            checkTensor(version, "output", OnnxClassifier.OUTPUT, outputs.get(OnnxClassifier.OUTPUT),
                    new long[] {-1, classes}, false);
        } catch (OrtException e) {
            throw new FetchFailure("signature", version + ": cannot read the graph's inputs and outputs: " + e.getMessage(), e);
        }
    }

    /**
     * The batch dimension of the input must be symbolic (the batcher varies it); other dimensions must
     * equal the expected ones, or be symbolic, in which case the probe run checks them.
     */
    private static void checkTensor(String version, String role, String name, NodeInfo node, long[] expected,
                                    boolean batchMustBeSymbolic) throws FetchFailure {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw signature(version, role + " \"" + name + "\" must be a float32 tensor, it is " + node.getInfo());
        }
        long[] dims = tensor.getShape();
        String want = Arrays.toString(expected).replace("-1", "N");
        if (dims.length != expected.length) {
            throw signature(version, role + " \"" + name + "\" has shape " + Arrays.toString(dims) + ", expected " + want);
        }
        if (batchMustBeSymbolic && dims[0] != -1) {
            throw signature(version, role + " \"" + name + "\" has a fixed batch dimension " + dims[0]
                    + "; the service batches requests and needs it symbolic (N)");
        }
        for (int i = 1; i < dims.length; i++) {
            if (dims[i] != -1 && dims[i] != expected[i]) {
                throw signature(version, role + " \"" + name + "\" has shape " + Arrays.toString(dims) + ", expected "
                        + want + " (from the image spec and " + (expected.length == 2 ? expected[1] + " label names" : "channels, height, width") + ")");
            }
        }
    }

    private static void probe(ServedModel model) throws FetchFailure {
        ImageSpec spec = model.spec();
        float[] image = new float[model.imageSize()];
        Arrays.fill(image, (spec.getValueMin() + spec.getValueMax()) / 2f);
        float[][] out;
        try {
            out = model.run(image, 1);
        } catch (OrtException | RuntimeException e) {
            throw new FetchFailure("probe", model.version() + ": the probe image does not run: " + e.getMessage(), e);
        }
        double sum = 0;
        for (float p : out[0]) {
            if (!Float.isFinite(p) || p < -SUM_TOLERANCE || p > 1 + SUM_TOLERANCE) {
                throw new FetchFailure("probe", model.version() + ": the probe gives " + Arrays.toString(out[0])
                        + ", not probabilities in [0, 1]");
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new FetchFailure("probe", model.version() + ": the probe's probabilities sum to " + sum
                    + ", expected 1 (the output must be a softmax)");
        }
    }

    private static FetchFailure signature(String version, String message) {
        return new FetchFailure("signature", version + ": " + message);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // Already failing for a better reason.
        }
    }
}
