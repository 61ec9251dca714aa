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
 * The short fault-injection run: one process SIGKILLed per trial (the packaged aggregator at four of its
 * kill points, the inference service, a client mid-upload, the broker), with a real broker and an
 * application asking for predictions all along; every invariant must hold afterwards. Every kill point,
 * more trials: deploy/crash-trials --trials 40 (README, "Reliability").
 */
class CrashTrialsIT {

    @Test
    void killingTheAggregatorAtEveryPointBreaksNoInvariant() {
        CrashTrials trials = new CrashTrials();
        int rc = new CommandLine(trials).execute("--root", EventPathIT.ROOT.toString(), "--run-dir", "target/crash-trials",
                "--pki-dir", EventPathIT.PKI.toString(), "--trials", System.getProperty("fedfactory.crash-trials", "7"),
                "--seed", "0", "--points", "MID_UPLOAD,ADMISSION,INFERENCE,PUBLICATION,CLIENT,CERTIFICATE,BROKER");
        trials.results().forEach(r -> System.out.println("crash trial " + r));
        assertEquals(0, trials.violations(), "violations: " + trials.results());
        assertEquals(0, rc);
        Set<CrashTrials.KillPoint> hit = trials.results().stream().filter(CrashTrials.TrialResult::hit)
                .map(CrashTrials.TrialResult::point).collect(Collectors.toSet());
        assertTrue(trials.results().size() >= 5, "at least 5 trials");
        assertTrue(hit.size() >= Math.min(trials.results().size(), 5), "kill points hit: " + hit + " of "
                + Arrays.toString(CrashTrials.KillPoint.values()));
        assertTrue(hit.stream().anyMatch(p -> !p.killsAggregator()) || trials.results().size() < 3,
                "the inference service, a client or the broker killed: " + hit);
    }
}
