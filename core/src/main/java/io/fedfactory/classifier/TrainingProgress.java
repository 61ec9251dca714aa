package io.fedfactory.classifier;

import java.time.Duration;

/**
 * How far a training run is, for progress events.
 *
 * @param fraction  steps done over all steps, in [0, 1]
 * @param epoch     1-based epoch in progress
 * @param epochs    epochs in the run
 * @param step      steps done
 * @param steps     steps in the run
 * @param elapsed   wall time since the run started
 * @param remaining estimated wall time left, extrapolated from the pace so far
 */
public record TrainingProgress(double fraction, int epoch, int epochs, long step, long steps, Duration elapsed,
                               Duration remaining) {
}
