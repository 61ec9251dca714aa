package io.fedfactory.aggregator.admission;

import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.ModuleFixtures.Flaw;
import io.fedfactory.onnx.OnnxGraphBuilder;
import io.fedfactory.proto.v1.DiffusionSampler;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.ModuleManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoder;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoderManifest;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.diffusionManifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every admission check on real ONNX graphs in a real ONNX Runtime, without the service around it. */
class ModuleAdmissionTest {

    static final FederationSpec SPEC = ModuleFixtures.spec("fed-admission");
    static ModuleAdmission admission;
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        admission = new ModuleAdmission(1);
        dir = Files.createDirectories(Path.of("target", "admission-tests"));
    }

    @Test
    void wellFormedModulesPassEveryCheckInOrder() throws IOException {
        byte[] dec = decoder(1);
        assertEquals(List.of("manifest", "privacy_policy", "content_hash", "onnx_loads", "io_signature", "probe_finite", "probe_range"),
                admission.admit(SPEC, decoderManifest(dec, "site-a", "cat"), file(dec)));
        byte[] den = ModuleFixtures.denoiser();
        assertEquals(AdmissionCheck.ids(), admission.admit(SPEC, diffusionManifest(den, "site-b", "dog"), file(den)));
    }

    @Test
    void whatTheSamplerSamplesIsAdmitted() throws IOException {
        // sigma as [N,1,1,1], as other exporters write it: the sampler takes it, so admission does.
        byte[] imageSigma = ModuleFixtures.denoiser(1f, true);
        assertEquals(AdmissionCheck.ids(), admission.admit(SPEC, diffusionManifest(imageSigma, "site-b", "dog"), file(imageSigma)));
        // A denoiser in the model space [-1, 1] (common.proto): a dark class is near -1, which is no image value.
        byte[] dark = constantDenoiser(-0.9f);
        assertEquals(AdmissionCheck.ids(), admission.admit(SPEC, diffusionManifest(dark, "site-b", "dog"), file(dark)));
    }

    @Test
    void whatSynthesisCannotPlanIsRefused() {
        // Two classes: the sampler has no class input, so StartTraining could never plan it.
        byte[] dec = decoder(3);
        ModuleRejectedException e = rejected(AdmissionCheck.MANIFEST, "manifest.classes must name exactly one class", dec,
                decoderManifest(dec, "site-a", "cat", "dog"));
        assertEquals(Map.of("field", "manifest.classes", "value", "2", "limit", "1"), e.metadata());
        byte[] den = ModuleFixtures.denoiser();
        rejected(AdmissionCheck.MANIFEST, "manifest.classes must name exactly one class", den,
                diffusionManifest(den, "site-b", "dog", "owl"));
    }

    @Test
    void aDenoiserThatDivergesWhileSamplingIsRefused() {
        // Sane at sigma_max and at sigma_min, so the two single calls pass; three times the ideal
        // denoiser makes the sampler's trajectory blow up in between, which the short sampling pass sees.
        byte[] amplifying = ModuleFixtures.denoiser(3f, false);
        rejected(AdmissionCheck.PROBE_RANGE, "for the short sampling pass", amplifying,
                diffusionManifest(amplifying, "site-b", "dog"));
    }

    @Test
    void manifestMustFitTheFederation() {
        byte[] dec = decoder(1);
        ModuleManifest ok = decoderManifest(dec, "site-a", "cat");
        rejected(AdmissionCheck.MANIFEST, "manifest.classes[0] 'zebra' is not a label of federation 'fed-admission'",
                dec, decoderManifest(dec, "site-a", "zebra"));
        rejected(AdmissionCheck.MANIFEST, "manifest.classes must name at least one class", dec,
                ok.toBuilder().clearClasses().build());
        rejected(AdmissionCheck.MANIFEST, "manifest.classes[1] 'cat' is a duplicate", dec,
                decoderManifest(dec, "site-a", "cat", "cat"));
        rejected(AdmissionCheck.MANIFEST, "manifest.site_id must match [a-z0-9-]{1,64}, got 'Site A'", dec,
                ok.toBuilder().setSiteId("Site A").build());
        rejected(AdmissionCheck.MANIFEST, "manifest.image_spec 1x9x9 in [0.0, 1.0] must equal the federation's image_spec 1x8x8",
                dec, ok.toBuilder().setImageSpec(ok.getImageSpec().toBuilder().setHeight(9).setWidth(9)).build());
        rejected(AdmissionCheck.MANIFEST, "manifest.decoder.latent_dim must be in [1, 4096], got 5000", dec,
                ok.toBuilder().setDecoder(ok.getDecoder().toBuilder().setLatentDim(5000)).build());
        rejected(AdmissionCheck.MANIFEST, "manifest.decoder must be set for kind MODULE_KIND_DECODER", dec,
                ok.toBuilder().setDiffusion(DiffusionSampler.newBuilder().setSteps(1)).build());
        FederationSpec decodersOnly = SPEC.toBuilder().clearAcceptedKinds().addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER).build();
        byte[] den = ModuleFixtures.denoiser();
        ModuleRejectedException e = assertThrows(ModuleRejectedException.class,
                () -> admission.admit(decodersOnly, diffusionManifest(den, "site-a", "cat"), file(den)));
        assertTrue(e.getMessage().startsWith("manifest: manifest.kind MODULE_KIND_DIFFUSION is not accepted"), e.getMessage());
    }

    @Test
    void diffusionSamplerParametersMustBeSane() {
        byte[] den = ModuleFixtures.denoiser();
        ModuleManifest ok = diffusionManifest(den, "site-a", "cat");
        sampler(ok, den, s -> s.setSteps(0), "manifest.diffusion.steps must be in [1, 1000], got 0");
        sampler(ok, den, s -> s.setSteps(1001), "manifest.diffusion.steps must be in [1, 1000], got 1001");
        sampler(ok, den, s -> s.setSigmaMin(0), "manifest.diffusion.sigma_min must be finite and > 0, got 0.0");
        sampler(ok, den, s -> s.setSigmaMax(0.001f), "manifest.diffusion.sigma_max must be finite and > sigma_min");
        sampler(ok, den, s -> s.setRho(-1), "manifest.diffusion.rho must be finite and > 0, got -1.0");
        sampler(ok, den, s -> s.setSigmaData(Float.NaN), "manifest.diffusion.sigma_data must be finite and > 0, got NaN");
    }

    @Test
    void bytesMustHashToTheManifestsContentSha() {
        byte[] dec = decoder(1);
        rejected(AdmissionCheck.CONTENT_HASH, "but manifest.content_sha256 is " + ModuleFixtures.sha256(decoder(2)),
                dec, decoderManifest(decoder(2), "site-a", "cat"));
    }

    @Test
    void malformedOnnxDoesNotLoad() {
        byte[] junk = "this is not an ONNX model at all".getBytes();
        rejected(AdmissionCheck.ONNX_LOADS, "ONNX Runtime could not create a session", junk,
                decoderManifest(junk, "site-a", "cat"));
    }

    @Test
    void shapesMustMatchTheKindAndImageSpec() {
        byte[] nineByNine = decoder(9, 9, Flaw.NONE, 1);
        rejected(AdmissionCheck.IO_SIGNATURE, "output 'image' must have shape [N,1,8,8], got [N,1,9,9]",
                nineByNine, decoderManifest(nineByNine, "site-a", "cat"));

        byte[] dec = decoder(1);
        ModuleManifest wrongLatent = decoderManifest(dec, "site-a", "cat");
        wrongLatent = wrongLatent.toBuilder().setDecoder(wrongLatent.getDecoder().toBuilder().setLatentDim(16)).build();
        rejected(AdmissionCheck.IO_SIGNATURE, "input 'z' must have shape [N,16], got [N,8]", dec, wrongLatent);

        // A decoder uploaded as a denoiser has the wrong inputs.
        rejected(AdmissionCheck.IO_SIGNATURE, "inputs must be exactly [sigma, x], got [z]", dec,
                diffusionManifest(dec, "site-a", "cat"));

        // Declared shapes can hide the truth; the probe's actual output is checked too.
        byte[] lying = dynamicDecoderWithActualShape(9);
        rejected(AdmissionCheck.IO_SIGNATURE, "output 'image' has shape [4,1,9,9] for 4 seeded standard-normal z; expected [4,1,8,8]",
                lying, decoderManifest(lying, "site-a", "cat"));

        byte[] fixedBatch = fixedBatchDecoder();
        rejected(AdmissionCheck.IO_SIGNATURE, "input 'z' must have a dynamic batch dimension, got [1,8]",
                fixedBatch, decoderManifest(fixedBatch, "site-a", "cat"));
    }

    @Test
    void probeOutputsMustBeFiniteAndInRange() {
        byte[] nan = decoder(8, 8, Flaw.NAN, 1);
        rejected(AdmissionCheck.PROBE_FINITE, "output 'image' holds 256 non-finite values of 256", nan,
                decoderManifest(nan, "site-a", "cat"));
        byte[] high = decoder(8, 8, Flaw.OUT_OF_RANGE, 1);
        rejected(AdmissionCheck.PROBE_RANGE, "is outside the allowed range [-0.001, 1.001]", high,
                decoderManifest(high, "site-a", "cat"));
    }

    private void sampler(ModuleManifest ok, byte[] onnx, UnaryOperator<DiffusionSampler.Builder> change, String expected) {
        ModuleManifest m = ok.toBuilder().setDiffusion(change.apply(ok.getDiffusion().toBuilder())).build();
        rejected(AdmissionCheck.MANIFEST, expected, onnx, m);
    }

    private static ModuleRejectedException rejected(AdmissionCheck check, String expected, byte[] onnx, ModuleManifest manifest) {
        ModuleRejectedException e = assertThrows(ModuleRejectedException.class,
                () -> admission.admit(SPEC, manifest, file(onnx)));
        assertEquals(check, e.check(), e.getMessage());
        assertTrue(e.getMessage().startsWith(check.id() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
        return e;
    }

    /** D(x; sigma) = c for every pixel: inputs "x" [N,1,8,8], "sigma" [N]. */
    private static byte[] constantDenoiser(float c) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("constant-denoiser");
        String x = g.input("x", -1, 1, 8, 8);
        String sigma = g.input("sigma", -1);
        String zeroSigma = g.node("Reshape", g.node("Mul", sigma, g.scalar("zero_s", 0f)),
                g.initializer("to4d", new long[] {-1, 1, 1, 1}, 4));
        g.identity(g.node("Add", g.node("Add", g.node("Mul", x, g.scalar("zero_x", 0f)), zeroSigma), g.scalar("c", c)), "denoised");
        g.output("denoised", -1, 1, 8, 8);
        return g.toBytes("fedfactory-test", Map.of());
    }

    private static Path file(byte[] bytes) {
        try {
            Path f = Files.createTempFile(dir, "module-", ".onnx");
            Files.write(f, bytes);
            return f;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Declares image [N,C,H,W] all dynamic but produces side x side images. */
    private static byte[] dynamicDecoderWithActualShape(int side) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("lying-decoder");
        String z = g.input("z", -1, ModuleFixtures.LATENT);
        int out = side * side;
        String gemm = g.node("Gemm", List.of(z, g.initializer("W", new float[ModuleFixtures.LATENT * out], ModuleFixtures.LATENT, out),
                g.initializer("B", new float[out], out)), Map.of());
        // The side is computed from the input's values (0 * sum(z) + side), so no shape inference can know it.
        String zero = g.node("ReduceSum", List.of(g.node("Mul", z, g.scalar("zero", 0f))), Map.of("keepdims", 0));
        String s = g.node("Cast", List.of(g.node("Add", zero, g.scalar("side", side))), Map.of("to", 7));
        String s1 = g.node("Reshape", s, g.initializer("one", new long[] {1}, 1));
        String batch = g.node("Gather", List.of(g.node("Shape", z), g.initializer("first", new long[] {0}, 1)), Map.of("axis", 0));
        String target = g.node("Concat", List.of(batch, g.initializer("c", new long[] {1}, 1), s1, s1), Map.of("axis", 0));
        String img = g.node("Reshape", g.node("Sigmoid", gemm), target);
        g.identity(img, "image");
        g.output("image", -1, -1, -1, -1);
        return g.toBytes("fedfactory-test", Map.of());
    }

    private static byte[] fixedBatchDecoder() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("fixed-batch");
        String z = g.input("z", 1, ModuleFixtures.LATENT);
        String gemm = g.node("Gemm", List.of(z, g.initializer("W", new float[ModuleFixtures.LATENT * 64], ModuleFixtures.LATENT, 64),
                g.initializer("B", new float[64], 64)), Map.of());
        String img = g.node("Reshape", g.node("Sigmoid", gemm), g.initializer("shape", new long[] {1, 1, 8, 8}, 4));
        g.identity(img, "image");
        g.output("image", 1, 1, 8, 8);
        return g.toBytes("fedfactory-test", Map.of());
    }
}
