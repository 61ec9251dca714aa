package io.fedfactory.client.upload;

import io.fedfactory.generative.ClassLabel;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.LatentDiffusionSampling;
import io.fedfactory.proto.v1.LatentDiffusionSampler;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.proto.v1.DecoderSampler;
import io.fedfactory.proto.v1.DiffusionSampler;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.TrainingProvenance;

/** A trained module's manifest as the upload contract carries it. */
public final class ManifestWire {

    public static io.fedfactory.proto.v1.ModuleManifest toWire(ModuleManifest m) {
        var spec = m.spec();
        var p = m.provenance();
        var wire = io.fedfactory.proto.v1.ModuleManifest.newBuilder()
                .addAllClasses(m.classes().stream().map(ClassLabel::name).toList())
                .setImageSpec(ImageSpec.newBuilder().setChannels(spec.channels()).setHeight(spec.height())
                        .setWidth(spec.width()).setValueMin(spec.valueMin()).setValueMax(spec.valueMax()))
                .setProvenance(TrainingProvenance.newBuilder()
                        .setExamples(p.examplesSeen()).setEpochs((int) Math.floor(p.epochs())).setSteps(p.steps())
                        .setSeed(p.seed()).putAllLibraryVersions(p.libraries()).setWallSeconds(p.wallSeconds())
                        .setDatasetSize(p.datasetSize()).setThreads(p.threads()).putAllHyperparameters(p.hyperparameters()))
                .setSiteId(m.siteId())
                .setContentSha256(m.moduleId());
        if (m.sampler() instanceof DiffusionSampling d) {
            wire.setKind(ModuleKind.MODULE_KIND_DIFFUSION).setDiffusion(DiffusionSampler.newBuilder()
                    .setSteps(d.steps()).setSigmaMin((float) d.sigmaMin()).setSigmaMax((float) d.sigmaMax())
                    .setRho((float) d.rho()).setSigmaData((float) d.sigmaData()));
        } else if (m.sampler() instanceof DecoderSampling d) {
            wire.setKind(ModuleKind.MODULE_KIND_DECODER).setDecoder(DecoderSampler.newBuilder().setLatentDim(d.latentDim()));
        } else if (m.sampler() instanceof LatentDiffusionSampling l) {
            DiffusionSampling d = l.diffusion();
            wire.setKind(ModuleKind.MODULE_KIND_LATENT_DIFFUSION).setLatentDiffusion(LatentDiffusionSampler.newBuilder()
                    .setLatentDim(l.latentDim()).setDiffusion(DiffusionSampler.newBuilder()
                            .setSteps(d.steps()).setSigmaMin((float) d.sigmaMin()).setSigmaMax((float) d.sigmaMax())
                            .setRho((float) d.rho()).setSigmaData((float) d.sigmaData())));
        } else {
            throw new IllegalArgumentException("manifest.sampler: unsupported " + m.sampler());
        }
        return wire.build();
    }

    private ManifestWire() {
    }
}
