package io.fedfactory.generative;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.data.ImageSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleManifestTest {

    static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static TrainingProvenance provenance() {
        return new TrainingProvenance(6000, 640_000, 106.66666666666667, 10_000, -8_123_456_789_012L, 2, 1234.5,
                Map.of("pytorch", "2.7.1", "djl", "0.35.1"), Map.of("width", "16", "learningRate", "0.001"));
    }

    static ModuleManifest diffusion() {
        return new ModuleManifest(ModuleKind.DIFFUSION, List.of(new ClassLabel(3, "Dress")),
                new ImageSpec(1, 28, 28, -0.1f, 1f), DiffusionSampling.edmDefaults(), provenance(), "site-7", ID);
    }

    static ModuleManifest decoder() {
        return new ModuleManifest(ModuleKind.DECODER, List.of(new ClassLabel(0, "T-shirt/top \"quoted\" ü"),
                new ClassLabel(9, "Ankle boot")), ImageSpec.unitRange(3, 32, 32), new DecoderSampling(16),
                provenance(), "hospital.b", ID);
    }

    @Test
    void roundTripsBothKinds() {
        for (ModuleManifest m : List.of(diffusion(), decoder())) {
            String json = m.toJson();
            ModuleManifest back = ModuleManifest.fromJson(json);
            assertEquals(m, back);
            assertEquals(json, back.toJson(), "serialization must be deterministic");
        }
    }

    @Test
    void jsonHasAFixedLayout() {
        String json = diffusion().toJson();
        assertTrue(json.startsWith("{\"schema\":1,\"moduleId\":\"" + ID + "\",\"kind\":\"diffusion\",\"siteId\":\"site-7\","
                + "\"classes\":[{\"index\":3,\"name\":\"Dress\"}],\"spec\":{\"channels\":1,\"height\":28,\"width\":28,"
                + "\"valueMin\":-0.1,\"valueMax\":1.0},\"sampler\":{\"steps\":50,\"sigmaMin\":0.002,\"sigmaMax\":80.0,"
                + "\"rho\":7.0,\"sigmaData\":0.5},"), json);
        // Map entries are sorted whatever order they were given in.
        assertTrue(json.contains("\"libraries\":{\"djl\":\"0.35.1\",\"pytorch\":\"2.7.1\"}"), json);
        assertTrue(json.contains("\"seed\":-8123456789012"), json);
    }

    private static void assertRejected(String json, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModuleManifest.fromJson(json));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention " + f);
    }

    @Test
    void readingNamesTheBadFieldAndTheLimit() {
        String ok = diffusion().toJson();
        assertRejected(ok.replace("\"steps\":50", "\"steps\":0"), "sampler.steps", "[1, 1000]", "0");
        assertRejected(ok.replace("\"sigmaMin\":0.002", "\"sigmaMin\":-1"), "sampler.sigmaMin");
        assertRejected(ok.replace("\"channels\":1", "\"channels\":2"), "channels", "2");
        assertRejected(ok.replace(ID, "abc"), "manifest.moduleId", "64");
        assertRejected(ok.replace("\"kind\":\"diffusion\"", "\"kind\":\"gan\""), "kind", "gan");
        assertRejected(ok.replace("\"siteId\":\"site-7\",", ""), "manifest.siteId is missing");
        assertRejected(ok.replace("\"siteId\":\"site-7\"", "\"siteId\":7"), "manifest.siteId must be a string");
        assertRejected(ok.replace("\"siteId\":\"site-7\"", "\"siteId\":\"a b\""), "manifest.siteId", "printable");
        assertRejected(ok.replace("\"schema\":1", "\"schema\":2"), "manifest.schema");
        assertRejected(ok.replace("\"rho\":7.0", "\"rho\":7.0,\"churn\":1"), "manifest.sampler.churn", "not a known field");
        assertRejected(ok.replace("\"index\":3", "\"index\":-3"), "class index", "-3");
        assertRejected(ok.replace("\"index\":3", "\"index\":3.5"), "manifest.classes[0].index", "integer");
        assertRejected(ok.replace("\"threads\":2", "\"threads\":0"), "provenance.threads");
        assertRejected(ok.replace("\"examplesSeen\":640000", "\"examplesSeen\":1e400"), "provenance.examplesSeen");
        assertRejected(ok + "x", "trailing");
        assertRejected(ok.substring(0, ok.length() - 5), "malformed");
        assertRejected("[]", "must be an object");
        assertRejected(ok.replace("\"steps\":50,\"sigmaMin\":0.002,\"sigmaMax\":80.0,\"rho\":7.0,\"sigmaData\":0.5",
                "\"latentDim\":16"), "manifest.sampler.latentDim", "not a known field");
    }

    @Test
    void constructionRejectsInconsistentManifests() {
        ModuleManifest m = diffusion();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModuleManifest(
                ModuleKind.DECODER, m.classes(), m.spec(), m.sampler(), m.provenance(), m.siteId(), ID));
        assertTrue(e.getMessage().contains("manifest.sampler") && e.getMessage().contains("decoder"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModuleManifest(ModuleKind.DIFFUSION,
                List.of(new ClassLabel(1, "a"), new ClassLabel(1, "b")), m.spec(), m.sampler(), m.provenance(), "s", ID));
        assertTrue(e.getMessage().contains("manifest.classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModuleManifest(ModuleKind.DIFFUSION, List.of(),
                m.spec(), m.sampler(), m.provenance(), "s", ID));
        assertTrue(e.getMessage().contains("manifest.classes") && e.getMessage().contains("4096"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModuleManifest(ModuleKind.DIFFUSION, m.classes(),
                m.spec(), m.sampler(), m.provenance(), "s", ID.toUpperCase()));
        assertTrue(e.getMessage().contains("lowercase hex"), e.getMessage());
    }

    @Test
    void trainedModuleInsistsThatTheIdIsTheHashOfItsBytes() {
        byte[] bytes = {1, 2, 3};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainedModule(bytes, diffusion()));
        assertTrue(e.getMessage().contains(ContentHash.sha256Hex(bytes)), e.getMessage());
    }
}
