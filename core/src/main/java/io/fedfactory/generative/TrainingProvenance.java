package io.fedfactory.generative;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Collections;

/**
 * How a module was trained: enough to tell what data volume, seed, code and hyperparameters made it.
 *
 * @param datasetSize      distinct local images the module was trained on
 * @param examplesSeen     images drawn over all optimizer steps (steps x batch)
 * @param epochs           examplesSeen / datasetSize
 * @param steps            optimizer steps
 * @param seed             the training seed (initialization, batch order, noise)
 * @param threads          compute threads; with the seed they fix the trained bits
 * @param wallSeconds      training wall-clock time
 * @param libraries        library name to version (for example djl, pytorch)
 * @param hyperparameters  the trainer's configuration, name to value
 */
public record TrainingProvenance(long datasetSize, long examplesSeen, double epochs, long steps, long seed, int threads,
                                 double wallSeconds, Map<String, String> libraries, Map<String, String> hyperparameters) {

    /** Most entries accepted in either map; keeps a hostile manifest small. */
    public static final int MAX_ENTRIES = 64;
    /** Longest key or value accepted in either map. */
    public static final int MAX_TEXT = 256;

    public TrainingProvenance {
        if (datasetSize < 0) throw new IllegalArgumentException("provenance.datasetSize must be >= 0, got " + datasetSize);
        if (examplesSeen < 0) throw new IllegalArgumentException("provenance.examplesSeen must be >= 0, got " + examplesSeen);
        if (!(epochs >= 0) || !Double.isFinite(epochs)) {
            throw new IllegalArgumentException("provenance.epochs must be finite and >= 0, got " + epochs);
        }
        if (steps < 0) throw new IllegalArgumentException("provenance.steps must be >= 0, got " + steps);
        if (threads < 1) throw new IllegalArgumentException("provenance.threads must be >= 1, got " + threads);
        if (!(wallSeconds >= 0) || !Double.isFinite(wallSeconds)) {
            throw new IllegalArgumentException("provenance.wallSeconds must be finite and >= 0, got " + wallSeconds);
        }
        libraries = sortedCopy("provenance.libraries", libraries);
        hyperparameters = sortedCopy("provenance.hyperparameters", hyperparameters);
    }

    private static Map<String, String> sortedCopy(String field, Map<String, String> map) {
        Objects.requireNonNull(map, field);
        if (map.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(field + " must have at most " + MAX_ENTRIES + " entries, got " + map.size());
        }
        TreeMap<String, String> copy = new TreeMap<>();
        map.forEach((k, v) -> {
            if (k == null || v == null || k.isEmpty() || k.length() > MAX_TEXT || v.length() > MAX_TEXT) {
                throw new IllegalArgumentException(field + ": keys must be non-empty and keys and values at most "
                        + MAX_TEXT + " characters, got '" + k + "' = '" + v + "'");
            }
            copy.put(k, v);
        });
        // Sorted so that equal provenance always serializes to equal JSON.
        return Collections.unmodifiableMap(copy);
    }
}
