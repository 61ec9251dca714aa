package io.fedfactory.deploy.local;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short fault-injection run: the packaged aggregator SIGKILLed once per trial, at each kill point
 * in turn, with a real broker; every invariant must hold afterwards. Longer runs: deploy/crash-trials --trials 30.
 */
class CrashTrialsIT {

    @Test
    void killingTheAggregatorAtEveryPointBreaksNoInvariant() {
        CrashTrials trials = new CrashTrials();
        int rc = new CommandLine(trials).execute("--root", EventPathIT.ROOT.toString(), "--run-dir", "target/crash-trials",
                "--pki-dir", EventPathIT.PKI.toString(), "--trials", System.getProperty("fedfactory.crash-trials", "7"),
                "--seed", "0");
        trials.results().forEach(r -> System.out.println("crash trial " + r));
        assertEquals(0, trials.violations(), "violations: " + trials.results());
        assertEquals(0, rc);
        Set<CrashTrials.KillPoint> hit = trials.results().stream().filter(CrashTrials.TrialResult::hit)
                .map(CrashTrials.TrialResult::point).collect(Collectors.toSet());
        assertTrue(trials.results().size() >= 5, "at least 5 trials");
        assertTrue(hit.size() >= Math.min(trials.results().size(), 5), "kill points hit: " + hit + " of "
                + Arrays.toString(CrashTrials.KillPoint.values()));
    }
}
