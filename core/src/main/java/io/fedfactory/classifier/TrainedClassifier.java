package io.fedfactory.classifier;

import io.fedfactory.data.ImageSpec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** A trained classifier: its weights with everything needed to rebuild, export and explain it. */
public record TrainedClassifier(ClassifierRecipe recipe, ImageSpec spec, List<String> labelNames,
                                ClassifierWeights weights, List<EpochStats> history, Duration wallTime,
                                TrainingProvenance provenance) {

    public TrainedClassifier {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(provenance, "provenance");
        labelNames = List.copyOf(labelNames);
        history = List.copyOf(history);
        weights.requireLayout(new ClassifierArchitecture(recipe, spec, labelNames.size()));
    }

    public ClassifierArchitecture architecture() {
        return new ClassifierArchitecture(recipe, spec, labelNames.size());
    }

    /** SHA-256 of the weights (see {@link ClassifierWeights#sha256()}). */
    public String weightHash() {
        return weights.sha256();
    }

    /** The classifier as an ONNX model (see {@link ClassifierOnnxExport}). */
    public byte[] toOnnx() {
        return ClassifierOnnxExport.export(this);
    }
}
