package io.fedfactory.aggregator.models;

import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.proto.v1.ModelLineage;
import io.fedfactory.synthesis.SynthesisResult;

import java.util.List;

/**
 * What one synthesis-and-training run produced, as a model version is published from it.
 *
 * @param onnx        the exported classifier, classes nobody covers masked, lineage in its metadata
 * @param lineage     the module ids it was trained from, sorted
 * @param fullLineage everything it was made from
 */
public record TrainingOutcome(TrainedClassifier classifier, byte[] onnx, List<String> lineage, ModelLineage fullLineage,
                              SynthesisResult synthesis, double synthesisSeconds, double trainingSeconds) {
}
