package io.fedfactory.aggregator.synthesis;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.LatentDiffusionSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.SamplerParameters;
import io.fedfactory.generative.TrainingProvenance;
import io.fedfactory.proto.v1.FederationSpec;

import java.util.List;

/** An admitted module's wire manifest as the ML core samples it: classes become federation indices. */
public final class ModuleManifests {

    public static ModuleManifest toCore(io.fedfactory.proto.v1.ModuleManifest m, FederationSpec federation) {
        var s = m.getImageSpec();
        ImageSpec spec = new ImageSpec(s.getChannels(), s.getHeight(), s.getWidth(), s.getValueMin(), s.getValueMax());
        List<ClassLabel> classes = m.getClassesList().stream().map(name -> {
            int index = federation.getLabelNamesList().indexOf(name);
            if (index < 0) throw new IllegalArgumentException("manifest.classes: '" + name + "' is not a federation label");
            return new ClassLabel(index, name);
        }).toList();
        SamplerParameters sampler = switch (m.getKind()) {
            case MODULE_KIND_DIFFUSION -> new DiffusionSampling(m.getDiffusion().getSteps(), m.getDiffusion().getSigmaMin(),
                    m.getDiffusion().getSigmaMax(), m.getDiffusion().getRho(), m.getDiffusion().getSigmaData());
            case MODULE_KIND_DECODER -> new DecoderSampling(m.getDecoder().getLatentDim());
            case MODULE_KIND_LATENT_DIFFUSION -> {
                var l = m.getLatentDiffusion();
                var d = l.getDiffusion();
                yield new LatentDiffusionSampling(l.getLatentDim(), new DiffusionSampling(d.getSteps(), d.getSigmaMin(),
                        d.getSigmaMax(), d.getRho(), d.getSigmaData()));
            }
            default -> throw new IllegalArgumentException("manifest.kind: unsupported " + m.getKind());
        };
        var p = m.getProvenance();
        TrainingProvenance provenance = new TrainingProvenance(p.getDatasetSize(), p.getExamples(), p.getEpochs(),
                p.getSteps(), p.getSeed(), Math.max(1, p.getThreads()), Math.max(0, p.getWallSeconds()),
                p.getLibraryVersionsMap(), p.getHyperparametersMap());
        ModuleKind kind = sampler.kind();
        return new ModuleManifest(kind, classes, spec, sampler, provenance, m.getSiteId(), m.getContentSha256());
    }

    private ModuleManifests() {
    }
}
