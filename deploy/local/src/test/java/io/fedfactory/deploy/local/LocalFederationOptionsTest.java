package io.fedfactory.deploy.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** run-local refuses a runtime it does not have before it touches the run folder. */
class LocalFederationOptionsTest {

    @Test
    void anUnknownRuntimeIsRefusedAndTheRunFolderIsKept(@TempDir Path dir) throws Exception {
        Path kept = Files.createDirectories(dir.resolve("run/aggregator")).resolve("store.bin");
        Files.writeString(kept, "an earlier run's state");
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new LocalFederation()).setErr(new PrintWriter(err))
                .execute("--root", dir.toString(), "--run-dir", dir.resolve("run").toString(), "--runtime", "docker");
        assertEquals(2, rc, err.toString());
        assertTrue(err.toString().contains("--runtime must be jars or images, not docker"), err.toString());
        assertTrue(Files.exists(kept), "the run folder was cleared before the options were checked");
    }
}
