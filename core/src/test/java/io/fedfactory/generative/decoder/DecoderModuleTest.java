package io.fedfactory.generative.decoder;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TestImages;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.nn.OnnxWeights;
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

public class DecoderModuleTest {

    /** 3 x 10 x 10 = 300 pixels, not a multiple of 16: exercises the padded output layer. */
    public static final ImageSpec SPEC = new ImageSpec(3, 10, 10, -1f, 1f);
    static final DecoderTrainingConfig CONFIG = new DecoderTrainingConfig(64, 8, 12, 32, 2e-3f, 5L, 2);

    static Dataset images;
    static TrainedModule module;
    static final List<Double> losses = new ArrayList<>();

    @BeforeAll
    static void train() {
        images = TestImages.oneClass(2, 128, SPEC, 3L);
        module = new DecoderTrainer(CONFIG).train(images, "site-b", (step, loss) -> losses.add(loss));
    }

    @Test
    void manifestDescribesTheModule() {
        ModuleManifest m = module.manifest();
        assertEquals(ModuleKind.DECODER, m.kind());
        assertEquals(ContentHash.sha256Hex(module.onnx()), m.moduleId());
        assertEquals("dot", m.singleClass().name());
        assertEquals(2, m.singleClass().index());
        assertEquals(new DecoderSampling(8), m.sampler());
        assertEquals(12 * 4, m.provenance().steps(), "128 images in batches of 32 for 12 epochs");
        assertEquals(12.0, m.provenance().epochs(), 1e-9);
        assertEquals("site-b", m.siteId());
    }

    @Test
    void trainingReducesTheLoss() {
        double first = losses.subList(0, 4).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 4, losses.size()).stream().mapToDouble(Double::doubleValue)
                .average().orElseThrow();
        assertTrue(last < 0.9 * first, "negative ELBO should fall by 10%+: first epoch " + first + ", last " + last);
    }

    @Test
    void trainingIsDeterministic() {
        TrainedModule again = new DecoderTrainer(CONFIG).train(images, "site-b");
        assertEquals(module.id(), again.id(), "same data, config and threads must give the same module bytes");
    }

    @Test
    void onnxSamplingMatchesDjlSampling() {
        long[] seeds = ModuleSampler.seedsFor(20, 77);
        float[] viaOnnx;
        try (ModuleSampler sampler = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults())) {
            viaOnnx = sampler.sample(seeds);
        }
        float[] viaDjl;
        try (DjlDecoder djl = new DjlDecoder(new Vae(SPEC, 64, 8), OnnxWeights.read(module.onnx()))) {
            viaDjl = new LatentDecoding(djl, SPEC, 8).generate(seeds);
        }
        double diff = TestImages.maxAbsDiff(viaOnnx, viaDjl);
        assertTrue(diff < 1e-4, "ONNX Runtime and DJL samples differ by " + diff);
    }

    @Test
    void samplingIsDeterministicFiniteInRangeAndBatchIndependent() {
        long[] seeds = ModuleSampler.seedsFor(50, 9);
        float[] big;
        float[] again;
        float[] other;
        float[] small;
        try (ModuleSampler s = ModuleSampler.open(module.onnx(), module.manifest(), SamplingOptions.defaults().withBatchSize(256))) {
            big = s.sample(seeds);
            again = s.sample(50, 9);
            other = s.sample(50, 10);
        }
        try (ModuleSampler s = ModuleSampler.open(module.onnx(), module.manifest(), new SamplingOptions(2, 7, 7, 0))) {
            small = s.sample(seeds);
        }
        assertArrayEquals(big, again);
        assertArrayEquals(big, small, "batch size and threads must not change any bit");
        assertFalse(Arrays.equals(big, other));
        for (float v : big) assertTrue(Float.isFinite(v) && v >= -1f && v <= 1f, "sample value " + v);
    }

    @Test
    void configRejectsOutOfRangeValuesNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecoderTrainingConfig(60, 8, 1, 32, 1e-3f, 1, 2));
        assertTrue(e.getMessage().contains("hiddenWidth") && e.getMessage().contains("60"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DecoderTrainingConfig(64, 0, 1, 32, 1e-3f, 1, 2));
        assertTrue(e.getMessage().contains("latentDim"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DecoderTrainingConfig(64, 8, 1, 32, 0f, 1, 2));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
    }
}
