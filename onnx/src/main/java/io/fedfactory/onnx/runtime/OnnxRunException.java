package io.fedfactory.onnx.runtime;

/** A loaded model failed to run on the inputs it was given, or gave an output that is not float32. */
public final class OnnxRunException extends IllegalStateException {

    private final String model;

    OnnxRunException(String model, String message, Throwable cause) {
        super(message, cause);
        this.model = model;
    }

    /** The model's name: its file, or the label its bytes were opened with. */
    public String model() {
        return model;
    }
}
