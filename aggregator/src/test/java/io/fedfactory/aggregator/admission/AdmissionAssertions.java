package io.fedfactory.aggregator.admission;

import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModuleManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission of module files written under target/admission-tests. */
final class AdmissionAssertions {

    private AdmissionAssertions() {
    }

    /** Asserts that admission refuses {@code onnx} with {@code manifest} at {@code check}, with {@code expected} in the message. */
    static void rejected(ModuleAdmission admission, FederationSpec spec, AdmissionCheck check, String expected, byte[] onnx,
                         ModuleManifest manifest) {
        ModuleRejectedException e = assertThrows(ModuleRejectedException.class,
                () -> admission.admit(spec, manifest, file(onnx)));
        assertEquals(check, e.check(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }

    /** {@code bytes} in a new file under target/admission-tests. */
    static Path file(byte[] bytes) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "admission-tests"));
            Path f = Files.createTempFile(dir, "module-", ".onnx");
            Files.write(f, bytes);
            return f;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
