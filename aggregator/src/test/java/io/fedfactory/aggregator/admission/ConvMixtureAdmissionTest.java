package io.fedfactory.aggregator.admission;

import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderGraph;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.decoder.MixturePrior;
import io.fedfactory.generative.nn.OnnxWeights;
import io.fedfactory.generative.nn.Weights;
import io.fedfactory.lineage.WireManifests;
import io.fedfactory.proto.v1.DecoderSampler;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModuleManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission of decoder modules with the convolutional autoencoder and a mixture prior: a trained one
 * passes every check; a manifest that forgets the component's noise value and a module whose mixture
 * means are not finite are refused, naming the check.
 */
class ConvMixtureAdmissionTest {

    static final FederationSpec SPEC = ModuleFixtures.spec("fed-conv-mixture");
    static final ImageSpec IMAGE = new ImageSpec(1, 8, 8, 0f, 1f);
    static final DecoderTrainingConfig CONFIG = new DecoderTrainingConfig(32, 4, 2, 16, 1e-3f, 4L, 1)
            .withKlWeight(0.1f).withFittedPrior(1f).withConvolutions(8).withPriorComponents(2);
    static ModuleAdmission admission;
    static Path dir;
    static TrainedModule module;

    @BeforeAll
    static void setUp() throws IOException {
        admission = new ModuleAdmission(1);
        dir = Files.createDirectories(Path.of("target", "admission-tests"));
        int n = 96;
        float[] pixels = new float[n * IMAGE.pixels()];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
        module = new DecoderTrainer(CONFIG).train(new Dataset("cats", IMAGE, ModuleFixtures.LABELS, pixels, new int[n]),
                "site-a");
    }

    @Test
    void aTrainedModulePassesEveryCheck() {
        assertEquals(5, module.manifest().sampler() instanceof io.fedfactory.generative.DecoderSampling d ? d.latentDim() : -1);
        assertEquals(AdmissionCheck.ids(), admission.admit(SPEC, wire(module.onnx()), file(module.onnx())));
    }

    @Test
    void theManifestMustCountTheComponentValue() {
        ModuleManifest forgot = wire(module.onnx()).toBuilder().setDecoder(DecoderSampler.newBuilder().setLatentDim(4)).build();
        rejected(AdmissionCheck.IO_SIGNATURE, "input 'z' must have shape [N,4], got [N,5]", module.onnx(), forgot);
    }

    @Test
    void aMixtureWithNonFiniteMeansFailsTheProbe() {
        Map<String, Weights.Tensor> all = new LinkedHashMap<>();
        Weights w = OnnxWeights.read(module.onnx());
        for (String name : w.names()) all.put(name, w.get(name));
        float[] means = w.get(MixturePrior.MEAN).values();
        Arrays.fill(means, Float.POSITIVE_INFINITY);
        all.put(MixturePrior.MEAN, new Weights.Tensor(w.get(MixturePrior.MEAN).shape(), means));
        byte[] broken = DecoderGraph.export(CONFIG.autoencoder(IMAGE, 2), IMAGE, new Weights(all));
        rejected(AdmissionCheck.PROBE_FINITE, "non-finite values", broken, wire(broken));
    }

    private static ModuleManifest wire(byte[] onnx) {
        return WireManifests.toWire(module.manifest()).toBuilder().clearClasses().addClasses("cat")
                .setSiteId("site-a").setContentSha256(ModuleFixtures.sha256(onnx)).build();
    }

    private static void rejected(AdmissionCheck check, String expected, byte[] onnx, ModuleManifest manifest) {
        AdmissionAssertions.rejected(admission, SPEC, check, expected, onnx, manifest);
    }

    private static Path file(byte[] bytes) {
        return AdmissionAssertions.file(bytes);
    }
}
