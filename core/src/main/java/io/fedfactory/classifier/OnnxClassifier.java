package io.fedfactory.classifier;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A classifier exported by {@link ClassifierOnnxExport}, loaded in ONNX Runtime with a pinned number
 * of intra-op threads (spinning off, so it yields the cores it shares). Loading checks the graph's
 * input, output and metadata; predictions are class probabilities.
 * Safe to call from several threads; close it once.
 */
public final class OnnxClassifier implements AutoCloseable {

    /** Images per ONNX Runtime call when predicting a dataset. */
    public static final int DEFAULT_BATCH = 256;
    public static final int MAX_THREADS = 256;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ClassifierMetadata metadata;
    private final ImageSpec spec;

    private OnnxClassifier(OrtEnvironment env, OrtSession session, ClassifierMetadata metadata) {
        this.env = env;
        this.session = session;
        this.metadata = metadata;
        this.spec = metadata.spec();
    }

    /** Loads model bytes; fails naming the first check that does not hold. */
    public static OnnxClassifier load(byte[] model, int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("onnx classifier: threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(model, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("onnx classifier: ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
        try {
            ClassifierMetadata metadata = ClassifierMetadata.fromMap(session.getMetadata().getCustomMetadata());
            checkIo(session, metadata.spec(), metadata.labelNames().size());
            return new OnnxClassifier(env, session, metadata);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("onnx classifier: " + e.getMessage(), e);
        }
    }

    /** What the model says about itself: spec, labels, recipe, weight hash. */
    public ClassifierMetadata metadata() { return metadata; }

    public ImageSpec spec() { return spec; }

    public List<String> labelNames() { return metadata.labelNames(); }

    public int numClasses() { return metadata.labelNames().size(); }

    /** SHA-256 of the weights, as written at export. */
    public String weightHash() { return metadata.weightsSha256(); }

    /** The recipe the model was trained with, as canonical JSON. */
    public String recipeJson() { return metadata.recipeJson(); }

    /**
     * Probabilities [count][classes] for {@code count} images laid out as the spec says. Pixels must
     * be finite and within the spec's value range.
     */
    public float[][] predict(float[] pixels, int count) {
        if (count < 1) throw new IllegalArgumentException("predict: count must be at least 1, got " + count);
        long expected = (long) count * spec.pixels();
        if (pixels.length != expected) {
            throw new IllegalArgumentException("predict: " + count + " images of " + spec + " need " + expected
                    + " floats, got " + pixels.length);
        }
        for (int i = 0; i < pixels.length; i++) {
            float v = pixels[i];
            if (!(v >= spec.valueMin() && v <= spec.valueMax())) {
                throw new IllegalArgumentException("predict: pixel " + (i % spec.pixels()) + " of image " + (i / spec.pixels())
                        + " is " + v + ", outside the value range [" + spec.valueMin() + ", " + spec.valueMax() + "]");
            }
        }
        return run(FloatBuffer.wrap(pixels), count);
    }

    /** Probabilities [size][classes] for every image of {@code data}, in order. */
    public float[][] predict(Dataset data) {
        return predict(data, DEFAULT_BATCH);
    }

    public float[][] predict(Dataset data, int batchSize) {
        if (!data.spec().equals(spec)) {
            throw new IllegalArgumentException("predict: dataset " + data.name() + " has images " + data.spec()
                    + ", the model expects " + spec);
        }
        if (batchSize < 1) throw new IllegalArgumentException("predict: batchSize must be at least 1, got " + batchSize);
        float[][] out = new float[data.size()][];
        int px = spec.pixels();
        float[] all = data.pixelsView();
        for (int start = 0; start < data.size(); start += batchSize) {
            int n = Math.min(batchSize, data.size() - start);
            float[][] probs = run(FloatBuffer.wrap(all, start * px, n * px).slice(), n);
            System.arraycopy(probs, 0, out, start, n);
        }
        return out;
    }

    private float[][] run(FloatBuffer pixels, int count) {
        long[] shape = {count, spec.channels(), spec.height(), spec.width()};
        try (OnnxTensor input = OnnxTensor.createTensor(env, pixels, shape);
             OrtSession.Result result = session.run(Map.of(ClassifierOnnxExport.INPUT, input))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("onnx classifier: inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("onnx classifier: closing the session failed: " + e.getMessage(), e);
        }
    }

    private static void checkIo(OrtSession session, ImageSpec spec, int classes) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (inputs.size() != 1 || !inputs.containsKey(ClassifierOnnxExport.INPUT)) {
            throw new IllegalArgumentException("onnx classifier: expected one input '" + ClassifierOnnxExport.INPUT
                    + "', got " + inputs.keySet());
        }
        if (outputs.size() != 1 || !outputs.containsKey(ClassifierOnnxExport.OUTPUT)) {
            throw new IllegalArgumentException("onnx classifier: expected one output '" + ClassifierOnnxExport.OUTPUT
                    + "', got " + outputs.keySet());
        }
        long[] in = ((TensorInfo) inputs.get(ClassifierOnnxExport.INPUT).getInfo()).getShape();
        long[] wantIn = {-1, spec.channels(), spec.height(), spec.width()};
        if (!Arrays.equals(in, wantIn)) {
            throw new IllegalArgumentException("onnx classifier: input '" + ClassifierOnnxExport.INPUT + "' has shape "
                    + Arrays.toString(in) + ", metadata implies " + Arrays.toString(wantIn));
        }
        long[] out = ((TensorInfo) outputs.get(ClassifierOnnxExport.OUTPUT).getInfo()).getShape();
        long[] wantOut = {-1, classes};
        if (!Arrays.equals(out, wantOut)) {
            throw new IllegalArgumentException("onnx classifier: output '" + ClassifierOnnxExport.OUTPUT + "' has shape "
                    + Arrays.toString(out) + ", metadata implies " + Arrays.toString(wantOut));
        }
    }
}
