package io.fedfactory.inference.serving;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;

/** One call of the classifier graph: "image" [n,C,H,W] in, "probabilities" [n,K] out. */
final class OnnxClassifier {

    static final String INPUT = "image";
    static final String OUTPUT = "probabilities";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final long[] imageDims;
    private final int imageSize;
    private final int classes;

    OnnxClassifier(OrtEnvironment env, OrtSession session, int channels, int height, int width, int classes) {
        this.env = env;
        this.session = session;
        this.imageDims = new long[] {channels, height, width};
        this.imageSize = channels * height * width;
        this.classes = classes;
    }

    /** {@code pixels} from position 0; ONNX Runtime reads a direct buffer in place and copies a heap one. */
    float[][] run(FloatBuffer pixels, int n) throws OrtException {
        long[] shape = {n, imageDims[0], imageDims[1], imageDims[2]};
        try (OnnxTensor input = OnnxTensor.createTensor(env, pixels.slice(0, n * imageSize), shape);
             OrtSession.Result result = session.run(Map.of(INPUT, input), Set.of(OUTPUT))) {
            OnnxValue out = result.get(OUTPUT).orElseThrow();
            if (!(out instanceof OnnxTensor tensor)) {
                throw new IllegalStateException("output " + OUTPUT + " is not a tensor");
            }
            long[] outShape = tensor.getInfo().getShape();
            if (outShape.length != 2 || outShape[0] != n || outShape[1] != classes) {
                throw new IllegalStateException("output " + OUTPUT + " has shape " + java.util.Arrays.toString(outShape)
                        + ", expected [" + n + ", " + classes + "]");
            }
            // One copy, straight from ONNX Runtime's output into the rows.
            return (float[][]) tensor.getValue();
        }
    }
}
