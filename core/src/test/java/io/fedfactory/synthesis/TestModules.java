package io.fedfactory.synthesis;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.TrainingProvenance;
import io.fedfactory.generative.decoder.DecoderGraph;
import io.fedfactory.generative.decoder.Vae;
import io.fedfactory.generative.diffusion.DenoiserGraph;
import io.fedfactory.generative.diffusion.UNet;

import java.util.List;
import java.util.Map;

/** Real ONNX modules with freshly initialized weights: fast to make, and sampled like trained ones. */
public final class TestModules {

    public static final List<String> LABELS = List.of("ring", "bar", "dot");
    public static final ImageSpec SPEC = ImageSpec.unitRange(1, 8, 8);

    private TestModules() {}

    static TrainingProvenance provenance(long seed) {
        return new TrainingProvenance(0, 0, 0, 0, seed, 1, 0, Map.of(), Map.of("init", "only"));
    }

    public static TrainedModule decoder(int classIndex, long seed) {
        Vae vae = new Vae(SPEC, 16, 4);
        byte[] onnx = DecoderGraph.export(vae, SPEC, vae.layout().initialize(seed));
        return new TrainedModule(onnx, new ModuleManifest(ModuleKind.DECODER,
                List.of(new ClassLabel(classIndex, LABELS.get(classIndex))), SPEC, new DecoderSampling(4),
                provenance(seed), "site-" + seed, ContentHash.sha256Hex(onnx)));
    }

    static TrainedModule diffusion(int classIndex, long seed) {
        UNet net = new UNet(SPEC, 4, 0.5);
        byte[] onnx = DenoiserGraph.export(net, SPEC, net.layout().initialize(seed));
        return new TrainedModule(onnx, new ModuleManifest(ModuleKind.DIFFUSION,
                List.of(new ClassLabel(classIndex, LABELS.get(classIndex))), SPEC, DiffusionSampling.edmDefaults(),
                provenance(seed), "site-" + seed, ContentHash.sha256Hex(onnx)));
    }

    /** A manifest for planning only (no bytes behind it). */
    static ModuleManifest manifest(String moduleId, int classIndex, String className, ImageSpec spec) {
        return new ModuleManifest(ModuleKind.DECODER, List.of(new ClassLabel(classIndex, className)), spec,
                new DecoderSampling(4), provenance(1), "site", moduleId);
    }

    static String id(char c) {
        return String.valueOf(c).repeat(64);
    }
}
