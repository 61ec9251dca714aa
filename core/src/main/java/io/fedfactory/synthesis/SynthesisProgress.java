package io.fedfactory.synthesis;

import java.time.Duration;
import java.util.Optional;

/**
 * How far a synthesis run is.
 *
 * @param done     samples written or found in the cache
 * @param total    samples in the plan
 * @param elapsed  time since the run started
 * @param eta      remaining time at the rate samples have been generated so far (empty until one batch is)
 * @param moduleId the module being sampled
 */
public record SynthesisProgress(long done, long total, Duration elapsed, Optional<Duration> eta, String moduleId) {

    /** Done as a percentage of total. */
    public double percent() {
        return total == 0 ? 100 : 100.0 * done / total;
    }
}
