package io.fedfactory.aggregator.admission;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.fuzz.BoundaryFuzz;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModuleManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission on mutated inputs: manifests and ONNX bytes (mutations of valid decoders and denoisers)
 * either pass every check or are refused by one named check; nothing else escapes and nothing hangs
 * ({@link BoundaryFuzz}; cases: -Dfedfactory.fuzz.cases).
 */
class AdmissionFuzzTest {

    static final FederationSpec SPEC = ModuleAdmissionTest.SPEC;
    static ModuleAdmission admission;
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        ModuleAdmissionTest.setUp();
        admission = ModuleAdmissionTest.admission;
        dir = ModuleAdmissionTest.dir;
    }

    @Test
    void mutatedManifestsPassOrAreRefusedByTheManifestCheck() {
        byte[] dec = ModuleFixtures.decoder(1);
        byte[] den = ModuleFixtures.denoiser();
        byte[][] valid = {ModuleFixtures.decoderManifest(dec, "site-a", "cat").toByteArray(),
                ModuleFixtures.diffusionManifest(den, "site-b", "dog").toByteArray()};
        int[] refused = {0};
        BoundaryFuzz.configured().within(Duration.ofSeconds(10)).run("manifest", valid, (i, bytes) -> {
            ModuleManifest m;
            try {
                m = ModuleManifest.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                return; // not a manifest at all: gRPC refuses the message before admission sees it
            }
            try {
                admission.checkManifest(SPEC, m);
            } catch (ModuleRejectedException e) {
                assertTrue(e.check() == AdmissionCheck.MANIFEST, e.getMessage());
                assertTrue(e.getMessage().startsWith("manifest: manifest."), e.getMessage());
                refused[0]++;
            }
        });
        assertTrue(refused[0] > 0, "the mutations reached the refusals");
    }

    @Test
    void mutatedOnnxBytesPassOrAreRefusedByANamedCheck() {
        byte[][] valid = {ModuleFixtures.decoder(1), ModuleFixtures.denoiser()};
        int[] refused = {0};
        BoundaryFuzz.configured().within(Duration.ofSeconds(60)).run("onnx", valid, (i, bytes) -> {
            // The manifest matches the mutated bytes, so every check past content_hash sees them.
            ModuleManifest m = i % 2 == 0 ? ModuleFixtures.decoderManifest(bytes, "site-a", "cat")
                    : ModuleFixtures.diffusionManifest(bytes, "site-b", "dog");
            Path file = dir.resolve("case-" + i + ".onnx");
            try {
                Files.write(file, bytes);
                admission.admit(SPEC, m, file);
            } catch (ModuleRejectedException e) {
                assertTrue(e.getMessage().startsWith(e.check().id() + ": "), e.getMessage());
                refused[0]++;
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                file.toFile().delete();
            }
        });
        assertTrue(refused[0] > 0, "the mutations reached the refusals");
    }
}
