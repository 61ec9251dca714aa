package io.fedfactory.generative;

import io.fedfactory.determinism.ContentHash;
import java.util.Objects;

/** A trained generative module: its ONNX graph and the manifest that says how to sample it. */
public final class TrainedModule {

    private final byte[] onnx;
    private final ModuleManifest manifest;

    public TrainedModule(byte[] onnx, ModuleManifest manifest) {
        this.onnx = Objects.requireNonNull(onnx, "onnx").clone();
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        String hash = ContentHash.sha256Hex(this.onnx);
        if (!hash.equals(manifest.moduleId())) {
            throw new IllegalArgumentException("manifest.moduleId " + manifest.moduleId()
                    + " is not the SHA-256 of the ONNX bytes (" + hash + ")");
        }
    }

    /** A copy of the ONNX bytes. */
    public byte[] onnx() {
        return onnx.clone();
    }

    public ModuleManifest manifest() {
        return manifest;
    }

    /** The module id: SHA-256 of the ONNX bytes. */
    public String id() {
        return manifest.moduleId();
    }

    @Override
    public String toString() {
        return "TrainedModule[" + manifest.kind().wireName() + " " + manifest.classes() + " " + id() + ", "
                + onnx.length + " bytes]";
    }
}
