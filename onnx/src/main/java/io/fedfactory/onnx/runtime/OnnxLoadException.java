package io.fedfactory.onnx.runtime;

/** ONNX Runtime cannot create a session from a model: unreadable file, not ONNX, unsupported operators. */
public final class OnnxLoadException extends IllegalArgumentException {

    private final String model;

    OnnxLoadException(String model, String message, Throwable cause) {
        super(message, cause);
        this.model = model;
    }

    /** The model's name: its file, or the label its bytes were opened with. */
    public String model() {
        return model;
    }
}
