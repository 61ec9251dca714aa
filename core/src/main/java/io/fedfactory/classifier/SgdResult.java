package io.fedfactory.classifier;

import java.time.Duration;
import java.util.List;

/** Weights after an SGD run, with what the run did. */
public record SgdResult(ClassifierWeights weights, List<EpochStats> history, long examplesSeen, Duration wallTime) {

    public SgdResult {
        history = List.copyOf(history);
    }
}
