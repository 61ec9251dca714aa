package io.fedfactory.inference.serving;

import io.fedfactory.inference.batching.MicroBatcher;
import io.fedfactory.onnx.runtime.GraphSignature;
import io.fedfactory.onnx.runtime.OnnxLoadException;
import io.fedfactory.onnx.runtime.OnnxModel;
import io.fedfactory.onnx.runtime.SessionSettings;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Turns verified bytes into a {@link ServedModel}: opens the model through the execution layer
 * ({@link OnnxModel}, pinned options; the intra-op threads and spinning from the settings), checks the
 * graph's signature against the version's image spec and label count, and runs one probe image whose
 * output must be a probability distribution. A model that fails any check is closed and never served.
 */
final class ModelLoader {

    private static final double SUM_TOLERANCE = 1e-3;

    private final ServingSettings settings;

    ModelLoader(ServingSettings settings) {
        this.settings = settings;
    }

    ServedModel load(ModelVersionInfo info, ImageSpec spec, List<String> labels, byte[] onnx,
                     IntConsumer batchSizes) throws FetchFailure {
        OnnxModel session;
        try {
            // Pinned: the service shares its cores with the request threads and the batcher; a session
            // that sizes its pool to every core would fight them.
            session = OnnxModel.open("model " + info.getVersion(), onnx,
                    new SessionSettings(settings.intraOpThreads(), settings.allowSpinning()));
        } catch (OnnxLoadException e) {
            throw new FetchFailure("load", e.getMessage(), e);
        }
        try {
            checkSignature(info.getVersion(), session.signature(), spec, labels.size());
            ServedModel model = new ServedModel(info, spec, labels, session);
            probe(model);
            model.attach(new MicroBatcher(info.getVersion(), model::run, model.imageSize(),
                    settings.maxBatch(), settings.maxWait(), settings.batchWorkers(), settings.queueCapacity(), batchSizes));
            return model;
        } catch (FetchFailure | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    static void checkSignature(String version, GraphSignature signature, ImageSpec spec, int classes) throws FetchFailure {
        Map<String, GraphSignature.Tensor> inputs = signature.inputs();
        if (inputs.size() != 1 || !inputs.containsKey(ServedModel.INPUT)) {
            throw signature(version, "the graph must take exactly one input \"" + ServedModel.INPUT
                    + "\", it takes " + inputs.keySet());
        }
        long[] expectedIn = {-1, spec.getChannels(), spec.getHeight(), spec.getWidth()};
        checkTensor(version, "input", ServedModel.INPUT, inputs.get(ServedModel.INPUT), expectedIn, true);
        Map<String, GraphSignature.Tensor> outputs = signature.outputs();
        if (!outputs.containsKey(ServedModel.OUTPUT)) {
            throw signature(version, "the graph has no output \"" + ServedModel.OUTPUT + "\", only " + outputs.keySet());
        }
        checkTensor(version, "output", ServedModel.OUTPUT, outputs.get(ServedModel.OUTPUT),
                new long[] {-1, classes}, false);
    }

    /**
     * The batch dimension of the input must be symbolic (the batcher varies it); other dimensions must
     * equal the expected ones, or be symbolic, in which case the probe run checks them.
     */
    private static void checkTensor(String version, String role, String name, GraphSignature.Tensor tensor,
                                    long[] expected, boolean batchMustBeSymbolic) throws FetchFailure {
        if (!tensor.float32()) {
            throw signature(version, role + " \"" + name + "\" must be a float32 tensor, it is not (shape "
                    + Arrays.toString(tensor.shape()) + ")");
        }
        long[] dims = tensor.shape();
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
        } catch (RuntimeException e) {
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

    private static void closeQuietly(OnnxModel session) {
        try {
            session.close();
        } catch (RuntimeException ignored) {
            // Already failing for a better reason.
        }
    }
}
