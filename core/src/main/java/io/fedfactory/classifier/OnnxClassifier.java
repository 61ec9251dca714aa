package io.fedfactory.classifier;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.onnx.runtime.GraphSignature;
import io.fedfactory.onnx.runtime.OnnxModel;
import io.fedfactory.onnx.runtime.SessionSettings;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A classifier exported by {@link ClassifierOnnxExport}, loaded through the execution layer
 * ({@link OnnxModel}: pinned options, intra-op threads as asked, no spinning, so it yields the cores it
 * shares). Loading checks the graph's input, output and metadata; predictions are class probabilities.
 * Safe to call from several threads; close it once. The one classifier runner of the ML library: the
 * site's evaluation and the benchmarks predict through it.
 */
public final class OnnxClassifier implements AutoCloseable {

    /** Images per ONNX Runtime call when predicting a dataset. */
    public static final int DEFAULT_BATCH = 256;

    private final OnnxModel model;
    private final ClassifierMetadata metadata;
    private final ImageSpec spec;

    private OnnxClassifier(OnnxModel model, ClassifierMetadata metadata) {
        this.model = model;
        this.metadata = metadata;
        this.spec = metadata.spec();
    }

    /** Loads model bytes; fails naming the first check that does not hold. */
    public static OnnxClassifier load(byte[] model, int threads) {
        return load("onnx classifier", model, threads);
    }

    /**
     * Loads model bytes that {@code name} identifies in errors (a version, a file); fails naming the first
     * check that does not hold.
     */
    public static OnnxClassifier load(String name, byte[] model, int threads) {
        OnnxModel onnx = OnnxModel.open(name, model, SessionSettings.threads(threads));
        try {
            ClassifierMetadata metadata = ClassifierMetadata.fromMap(onnx.customMetadata());
            checkIo(onnx.signature(), metadata.spec(), metadata.labelNames().size());
            return new OnnxClassifier(onnx, metadata);
        } catch (RuntimeException e) {
            try {
                onnx.close();
            } catch (RuntimeException suppressed) {
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
        return model.runRows(ClassifierOnnxExport.OUTPUT, new OnnxModel.Feed(ClassifierOnnxExport.INPUT, pixels,
                count, spec.channels(), spec.height(), spec.width()));
    }

    @Override
    public void close() {
        model.close();
    }

    private static void checkIo(GraphSignature signature, ImageSpec spec, int classes) {
        Map<String, GraphSignature.Tensor> inputs = signature.inputs();
        Map<String, GraphSignature.Tensor> outputs = signature.outputs();
        if (inputs.size() != 1 || !inputs.containsKey(ClassifierOnnxExport.INPUT)) {
            throw new IllegalArgumentException("onnx classifier: expected one input '" + ClassifierOnnxExport.INPUT
                    + "', got " + inputs.keySet());
        }
        if (outputs.size() != 1 || !outputs.containsKey(ClassifierOnnxExport.OUTPUT)) {
            throw new IllegalArgumentException("onnx classifier: expected one output '" + ClassifierOnnxExport.OUTPUT
                    + "', got " + outputs.keySet());
        }
        long[] in = inputs.get(ClassifierOnnxExport.INPUT).shape();
        long[] wantIn = {-1, spec.channels(), spec.height(), spec.width()};
        if (!Arrays.equals(in, wantIn)) {
            throw new IllegalArgumentException("onnx classifier: input '" + ClassifierOnnxExport.INPUT + "' has shape "
                    + Arrays.toString(in) + ", metadata implies " + Arrays.toString(wantIn));
        }
        long[] out = outputs.get(ClassifierOnnxExport.OUTPUT).shape();
        long[] wantOut = {-1, classes};
        if (!Arrays.equals(out, wantOut)) {
            throw new IllegalArgumentException("onnx classifier: output '" + ClassifierOnnxExport.OUTPUT + "' has shape "
                    + Arrays.toString(out) + ", metadata implies " + Arrays.toString(wantOut));
        }
    }
}
