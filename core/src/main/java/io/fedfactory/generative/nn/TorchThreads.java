package io.fedfactory.generative.nn;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Map;
import java.util.TreeMap;

/** Process-wide settings of the DJL PyTorch engine that decide the bits a training run produces. */
public final class TorchThreads {

    private TorchThreads() {}

    /**
     * Sets PyTorch's intra-op thread count. Trained bits depend on it, so trainers pin it from their
     * configuration. It is process-wide: concurrent trainings in one JVM must agree on it.
     */
    public static synchronized void pin(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        Engine.getEngine("PyTorch");
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    /** Versions of the libraries that trained a module, for its provenance. */
    public static Map<String, String> libraryVersions() {
        Map<String, String> v = new TreeMap<>();
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", Engine.getEngine("PyTorch").getVersion());
        v.put("java", Runtime.version().toString());
        return v;
    }
}
