package io.fedfactory.classifier;

import io.fedfactory.data.ImageSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an exported classifier says about itself in its ONNX metadata_props: the image spec it reads,
 * its label names, the recipe it was trained with (canonical JSON) and the SHA-256 of its weights.
 * Labels are stored one key each ({@code fedfactory.label.<i>}), so no name needs escaping.
 */
public record ClassifierMetadata(ImageSpec spec, List<String> labelNames, String recipeJson, String weightsSha256) {

    public static final String KIND = "fedfactory.kind";
    public static final String KIND_CLASSIFIER = "classifier";
    public static final String LABEL_COUNT = "fedfactory.label.count";
    public static final String LABEL_PREFIX = "fedfactory.label.";
    public static final String CHANNELS = "fedfactory.image.channels";
    public static final String HEIGHT = "fedfactory.image.height";
    public static final String WIDTH = "fedfactory.image.width";
    public static final String VALUE_MIN = "fedfactory.image.value_min";
    public static final String VALUE_MAX = "fedfactory.image.value_max";
    public static final String RECIPE = "fedfactory.recipe";
    public static final String WEIGHTS_SHA256 = "fedfactory.weights.sha256";

    public ClassifierMetadata {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(recipeJson, "recipeJson");
        Objects.requireNonNull(weightsSha256, "weightsSha256");
        labelNames = List.copyOf(labelNames);
        if (labelNames.size() < 2 || labelNames.size() > ClassifierArchitecture.MAX_CLASSES) {
            throw new IllegalArgumentException("classifier metadata: number of labels must be in [2, "
                    + ClassifierArchitecture.MAX_CLASSES + "], got " + labelNames.size());
        }
        if (!weightsSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("classifier metadata: " + WEIGHTS_SHA256
                    + " must be 64 lowercase hex digits, got '" + weightsSha256 + "'");
        }
    }

    /** The entries to write, in a fixed order. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KIND, KIND_CLASSIFIER);
        m.put(LABEL_COUNT, Integer.toString(labelNames.size()));
        for (int i = 0; i < labelNames.size(); i++) m.put(LABEL_PREFIX + i, labelNames.get(i));
        m.put(CHANNELS, Integer.toString(spec.channels()));
        m.put(HEIGHT, Integer.toString(spec.height()));
        m.put(WIDTH, Integer.toString(spec.width()));
        m.put(VALUE_MIN, Float.toString(spec.valueMin()));
        m.put(VALUE_MAX, Float.toString(spec.valueMax()));
        m.put(RECIPE, recipeJson);
        m.put(WEIGHTS_SHA256, weightsSha256);
        return m;
    }

    /** Reads metadata written by {@link #toMap()}; fails naming the first missing or malformed key. */
    public static ClassifierMetadata fromMap(Map<String, String> meta) {
        String kind = require(meta, KIND);
        if (!KIND_CLASSIFIER.equals(kind)) {
            throw new IllegalArgumentException("classifier metadata: " + KIND + " is '" + kind + "', expected '"
                    + KIND_CLASSIFIER + "'");
        }
        ImageSpec spec = new ImageSpec(requireInt(meta, CHANNELS, 1, 3), requireInt(meta, HEIGHT, 1, ImageSpec.MAX_SIDE),
                requireInt(meta, WIDTH, 1, ImageSpec.MAX_SIDE), requireFloat(meta, VALUE_MIN), requireFloat(meta, VALUE_MAX));
        int count = requireInt(meta, LABEL_COUNT, 2, ClassifierArchitecture.MAX_CLASSES);
        List<String> labels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) labels.add(require(meta, LABEL_PREFIX + i));
        return new ClassifierMetadata(spec, Collections.unmodifiableList(labels), require(meta, RECIPE),
                require(meta, WEIGHTS_SHA256));
    }

    private static String require(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException("classifier metadata: " + key + " is missing");
        return v;
    }

    private static int requireInt(Map<String, String> meta, String key, int min, int max) {
        String v = require(meta, key);
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) return i;
        } catch (NumberFormatException ignored) {
            // reported below with the limits
        }
        throw new IllegalArgumentException("classifier metadata: " + key + " must be an integer in [" + min + ", " + max
                + "], got '" + v + "'");
    }

    private static float requireFloat(Map<String, String> meta, String key) {
        String v = require(meta, key);
        try {
            float f = Float.parseFloat(v);
            if (Float.isFinite(f)) return f;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("classifier metadata: " + key + " must be a finite number, got '" + v + "'");
    }
}
