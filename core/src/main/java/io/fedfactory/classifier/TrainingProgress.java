package io.fedfactory.classifier;

import java.time.Duration;

/**
 * How far a training run is, for progress events.
 *
 * @param fraction  steps done over all steps, in [0, 1]
 * @param epoch     1-based epoch in progress (the round, for federated runs)
 * @param epochs    epochs in the run (rounds, for federated runs)
 * @param step      steps done by the current SGD run
 * @param steps     steps of the current SGD run
 * @param elapsed   wall time since the run started
 * @param remaining estimated wall time left, extrapolated from the pace so far
 */
public record TrainingProgress(double fraction, int epoch, int epochs, long step, long steps, Duration elapsed,
                               Duration remaining) {
}
