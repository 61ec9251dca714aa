package io.fedfactory.lineage;

import io.fedfactory.generative.LatentDiffusionSampling;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.SamplerParameters;
import io.fedfactory.generative.TrainingProvenance;
import io.fedfactory.proto.v1.DecoderSampler;
import io.fedfactory.proto.v1.DiffusionSampler;
import io.fedfactory.proto.v1.FederationSpec;

import java.util.List;

/**
 * Module manifests between the wire contract and the ML core: an admitted module's manifest as the core
 * samples it (classes become federation indices), and a trained module's manifest as the upload carries it.
 */
public final class WireManifests {

    public static ModuleManifest toCore(io.fedfactory.proto.v1.ModuleManifest m, FederationSpec federation) {
        return toCore(m, federation.getLabelNamesList());
    }

    /** As {@link #toCore(io.fedfactory.proto.v1.ModuleManifest, FederationSpec)}, given the federation's label names. */
    public static ModuleManifest toCore(io.fedfactory.proto.v1.ModuleManifest m, List<String> labelNames) {
        var s = m.getImageSpec();
        ImageSpec spec = new ImageSpec(s.getChannels(), s.getHeight(), s.getWidth(), s.getValueMin(), s.getValueMax());
        List<ClassLabel> classes = m.getClassesList().stream().map(name -> {
            int index = labelNames.indexOf(name);
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

    /** The wire's name of a module kind (what a federation spec's accepted kinds list). */
    public static io.fedfactory.proto.v1.ModuleKind wireKind(ModuleKind kind) {
        return switch (kind) {
            case DIFFUSION -> io.fedfactory.proto.v1.ModuleKind.MODULE_KIND_DIFFUSION;
            case DECODER -> io.fedfactory.proto.v1.ModuleKind.MODULE_KIND_DECODER;
            case LATENT_DIFFUSION -> io.fedfactory.proto.v1.ModuleKind.MODULE_KIND_LATENT_DIFFUSION;
        };
    }

    /** A trained module's manifest as the upload contract carries it. */
    public static io.fedfactory.proto.v1.ModuleManifest toWire(ModuleManifest m) {
        var spec = m.spec();
        var p = m.provenance();
        var wire = io.fedfactory.proto.v1.ModuleManifest.newBuilder()
                .addAllClasses(m.classes().stream().map(ClassLabel::name).toList())
                .setImageSpec(io.fedfactory.proto.v1.ImageSpec.newBuilder().setChannels(spec.channels()).setHeight(spec.height())
                        .setWidth(spec.width()).setValueMin(spec.valueMin()).setValueMax(spec.valueMax()))
                .setProvenance(io.fedfactory.proto.v1.TrainingProvenance.newBuilder()
                        .setExamples(p.examplesSeen()).setEpochs((int) Math.floor(p.epochs())).setSteps(p.steps())
                        .setSeed(p.seed()).putAllLibraryVersions(p.libraries()).setWallSeconds(p.wallSeconds())
                        .setDatasetSize(p.datasetSize()).setThreads(p.threads()).putAllHyperparameters(p.hyperparameters()))
                .setSiteId(m.siteId())
                .setContentSha256(m.moduleId());
        if (m.sampler() instanceof DiffusionSampling d) {
            wire.setKind(io.fedfactory.proto.v1.ModuleKind.MODULE_KIND_DIFFUSION).setDiffusion(DiffusionSampler.newBuilder()
                    .setSteps(d.steps()).setSigmaMin((float) d.sigmaMin()).setSigmaMax((float) d.sigmaMax())
                    .setRho((float) d.rho()).setSigmaData((float) d.sigmaData()));
        } else if (m.sampler() instanceof DecoderSampling d) {
            wire.setKind(io.fedfactory.proto.v1.ModuleKind.MODULE_KIND_DECODER).setDecoder(DecoderSampler.newBuilder().setLatentDim(d.latentDim()));
        } else if (m.sampler() instanceof LatentDiffusionSampling l) {
            DiffusionSampling d = l.diffusion();
            wire.setKind(io.fedfactory.proto.v1.ModuleKind.MODULE_KIND_LATENT_DIFFUSION).setLatentDiffusion(
                    io.fedfactory.proto.v1.LatentDiffusionSampler.newBuilder().setLatentDim(l.latentDim())
                            .setDiffusion(DiffusionSampler.newBuilder().setSteps(d.steps()).setSigmaMin((float) d.sigmaMin())
                                    .setSigmaMax((float) d.sigmaMax()).setRho((float) d.rho())
                                    .setSigmaData((float) d.sigmaData())));
        } else {
            throw new IllegalArgumentException("manifest.sampler: unsupported " + m.sampler());
        }
        return wire.build();
    }

    private WireManifests() {
    }
}
