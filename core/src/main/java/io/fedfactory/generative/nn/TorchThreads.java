package io.fedfactory.generative.nn;

import ai.djl.engine.Engine;

import java.util.Map;
import java.util.TreeMap;

/** What a module's provenance records of the engine that trained it (threads are pinned by {@code djl.DeterministicTorch}). */
public final class TorchThreads {

    private TorchThreads() {}

    /** Versions of the libraries that trained a module, for its provenance. */
    public static Map<String, String> libraryVersions() {
        Map<String, String> v = new TreeMap<>();
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", Engine.getEngine("PyTorch").getVersion());
        v.put("java", Runtime.version().toString());
        return v;
    }
}
