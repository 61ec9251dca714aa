package io.fedfactory.deploy.local;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
        String text = Files.readString(runDir.resolve("summary.json"));
        JsonObject summary = JsonParser.parseString(text).getAsJsonObject();
        assertTrue(summary.get("certificate_from_scratch_matches").getAsBoolean(), text);
        assertEquals(0, summary.get("v2_predictions_of_deleted_classes").getAsInt(), text);
        assertTrue(summary.get("model_v2").isJsonObject(), text);
        assertTrue(summary.get("tls").getAsBoolean(), text);
        assertTrue(summary.get("certificate_signature").getAsString().startsWith("OK: signed by service:aggregator"), text);
    }
}
