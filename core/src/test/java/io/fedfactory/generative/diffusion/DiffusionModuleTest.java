package io.fedfactory.generative.diffusion;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.onnx.runtime.OnnxModel;
import io.fedfactory.onnx.runtime.SessionSettings;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.TestImages;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.nn.OnnxWeights;
import io.fedfactory.generative.nn.Weights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiffusionModuleTest {

    static final ImageSpec SPEC = new ImageSpec(1, 28, 28, -0.5f, 2f);
    static final DiffusionTrainingConfig CONFIG = DiffusionTrainingConfig.defaults(40, 7L).withWidth(8).withBatchSize(16);

    static Dataset images;
    static TrainedModule module;
    static final List<Double> losses = new ArrayList<>();

    @BeforeAll
    static void train() {
        images = TestImages.oneClass(1, 64, SPEC, 11L);
        module = new DiffusionTrainer(CONFIG).train(images, "site-a", (step, loss) -> losses.add(loss));
    }

    @Test
    void manifestDescribesTheModule() {
        ModuleManifest m = module.manifest();
        assertEquals(ModuleKind.DIFFUSION, m.kind());
        assertEquals(ContentHash.sha256Hex(module.onnx()), m.moduleId());
        assertEquals(1, m.singleClass().index());
        assertEquals("bar", m.singleClass().name());
        assertEquals(SPEC, m.spec());
        assertEquals(DiffusionSampling.edmDefaults(), m.sampler());
        assertEquals(40 * 16, m.provenance().examplesSeen());
        assertEquals(64, m.provenance().datasetSize());
        assertEquals(40, losses.size());
        assertTrue(m.provenance().libraries().containsKey("djl"));
    }

    /** The EDM loss on a fixed set of noisy images, using the module's ONNX graph. */
    static double evaluationLoss(byte[] onnx) {
        float[] clean = ModelSpace.fromImage(images.pixelsView(), SPEC);
        int n = images.size();
        int pixels = SPEC.pixels();
        SplitMix64 rng = new SplitMix64(99);
        float[] sigma = new float[n];
        float[] noisy = new float[clean.length];
        for (int i = 0; i < n; i++) {
            sigma[i] = (float) Math.exp(-0.8 + 1.6 * rng.nextGaussian());
            for (int p = i * pixels; p < (i + 1) * pixels; p++) noisy[p] = (float) (clean[p] + sigma[i] * rng.nextGaussian());
        }
        try (OnnxModel session = OnnxModel.open("denoiser", onnx, SessionSettings.threads(1))) {
            float[] d = new OnnxDenoiser(session, SPEC).denoise(noisy, sigma);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double s = sigma[i];
                double weight = (s * s + 0.25) / (s * s * 0.25);
                for (int p = i * pixels; p < (i + 1) * pixels; p++) sum += weight * (d[p] - clean[p]) * (d[p] - clean[p]);
            }
            return sum / clean.length;
        }
    }

    @Test
    void trainingReducesTheLoss() {
        UNet net = new UNet(SPEC, CONFIG.width(), 0.5);
        byte[] untrained = DenoiserGraph.export(net, SPEC, net.layout().initialize(SplitMix64.derive(CONFIG.seed(), "init")));
        double before = evaluationLoss(untrained);
        double after = evaluationLoss(module.onnx());
        assertTrue(after < 0.7 * before, "held-out EDM loss should fall by 30%+: before " + before + ", after " + after);
        double first = losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(30, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < first, "minibatch loss should fall: first 10 steps " + first + ", last 10 " + last);
    }

    @Test
    void onnxDenoiserMatchesDjl() {
        Weights weights = OnnxWeights.read(module.onnx());
        UNet net = new UNet(SPEC, CONFIG.width(), 0.5);
        float[] x = new float[3 * SPEC.pixels()];
        new SplitMix64(5).fillGaussian(x, 0, x.length);
        float[] sigma = {0.01f, 1f, 60f};
        try (OnnxModel session = OnnxModel.open("denoiser", module.onnx(), SessionSettings.threads(1));
             DjlDenoiser djl = new DjlDenoiser(net, SPEC, weights)) {
            double diff = TestImages.maxAbsDiff(new OnnxDenoiser(session, SPEC).denoise(x, sigma), djl.denoise(x, sigma));
            assertTrue(diff < 1e-5, "denoiser outputs differ by " + diff);
        }
    }

    @Test
    void onnxSamplingMatchesDjlSampling() {
        DiffusionSampling params = DiffusionSampling.edmDefaults().withSteps(10);
        long[] seeds = ModuleSampler.seedsFor(4, 123);
        float[] viaOnnx;
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(),
                SamplingOptions.defaults().withDiffusionSteps(10))) {
            viaOnnx = sampler.sample(seeds);
        }
        float[] viaDjl;
        try (DjlDenoiser djl = new DjlDenoiser(new UNet(SPEC, CONFIG.width(), 0.5), SPEC, OnnxWeights.read(module.onnx()))) {
            viaDjl = new HeunSampler(djl, SPEC, params).generate(seeds);
        }
        double diff = TestImages.maxAbsDiff(viaOnnx, viaDjl);
        assertTrue(diff < 1e-4, "ONNX Runtime and DJL samples differ by " + diff);
    }

    @Test
    void samplingIsDeterministicFiniteInRangeAndBatchIndependent() {
        SamplingOptions options = SamplingOptions.defaults().withDiffusionSteps(6);
        long[] seeds = ModuleSampler.seedsFor(5, 42);
        float[] all;
        float[] again;
        float[] oneByOne;
        float[] other;
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(), options.withBatchSize(5))) {
            all = sampler.sample(seeds);
            again = sampler.sample(5, 42);
            other = sampler.sample(5, 43);
        }
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(), options.withBatchSize(2))) {
            oneByOne = sampler.sample(seeds);
        }
        assertArrayEquals(all, again);
        assertArrayEquals(all, oneByOne, "batch size must not change any bit");
        assertFalse(Arrays.equals(all, other));
        for (float v : all) {
            assertTrue(Float.isFinite(v) && v >= SPEC.valueMin() && v <= SPEC.valueMax(), "sample value " + v);
        }
        // Samples differ from one another: each has its own noise.
        int p = SPEC.pixels();
        assertFalse(Arrays.equals(Arrays.copyOfRange(all, 0, p), Arrays.copyOfRange(all, p, 2 * p)));
    }

    @Test
    void samplerRejectsBytesThatAreNotTheManifestsModule() {
        byte[] other = module.onnx();
        other[other.length - 1] ^= 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModuleSampler.open(other, module.manifest(), SamplingOptions.defaults()));
        assertTrue(e.getMessage().contains(module.manifest().moduleId()), e.getMessage());
    }

    @Test
    void rejectsImagesOfSeveralClasses() {
        Dataset mixed = new Dataset("mixed", SPEC, TestImages.LABELS, new float[2 * SPEC.pixels()], new int[] {0, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DiffusionTrainer(CONFIG).train(mixed, "site-a"));
        assertTrue(e.getMessage().contains("one class"), e.getMessage());
    }
}
