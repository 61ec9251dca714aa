package io.fedfactory.bench.baseline;

import io.fedfactory.classifier.TrainedClassifier;

/** Sees each FedAvg round as it ends: the round's figures and the global model after its averaging. */
@FunctionalInterface
public interface RoundObserver {

    /** Observes nothing; the run then builds no per-round model. */
    RoundObserver NONE = (stats, global) -> { };

    void afterRound(RoundStats stats, TrainedClassifier global);
}
