package io.fedfactory.deploy.local;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main job, small: a broker, the aggregator, the inference service and three client-node
 * processes on real Fashion-MNIST, to a served model, then one site unlearned, all over real ports.
 */
class LocalFederationIT {

    @Test
    void aWholeFederationThenUnlearningOneSite() throws Exception {
        Path runDir = Path.of("target", "it-federation");
        int rc = new CommandLine(new LocalFederation()).execute("--root", EventPathIT.ROOT.toString(),
                "--run-dir", runDir.toString(), "--sites", "3", "--decoder-epochs", "1", "--samples-per-class", "60",
                "--classifier-epochs", "1", "--delete-site", "site-01", "--parallel-sites", "3",
                "--pki-dir", EventPathIT.PKI.toString());
        assertEquals(0, rc, "run-local failed; logs in " + runDir.resolve("logs"));
        String summary = Files.readString(runDir.resolve("summary.json"));
        assertTrue(summary.contains("\"certificate_from_scratch_matches\": true"), summary);
        assertTrue(summary.contains("\"v2_predictions_of_deleted_classes\": 0"), summary);
        assertTrue(summary.contains("\"model_v2\""), summary);
        assertTrue(summary.contains("\"tls\": true"), summary);
        assertTrue(summary.contains("\"certificate_signature\": \"OK: signed by service:aggregator"), summary);
    }
}
