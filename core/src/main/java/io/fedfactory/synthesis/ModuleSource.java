package io.fedfactory.synthesis;

import java.io.IOException;

/** Where the synthesizer gets a module's ONNX bytes (a module store, a directory, memory). */
@FunctionalInterface
public interface ModuleSource {

    byte[] onnx(String moduleId) throws IOException;
}
