package io.fedfactory.lineage;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedfactory.classifier.Augmentation;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.LearningRateSchedule;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.nn.TorchThreads;
import io.fedfactory.proto.v1.EffectiveRecipe;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelLineage;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.PlannedModule;
import io.fedfactory.proto.v1.SamplerSettings;
import io.fedfactory.synthesis.ShardRecord;
import io.fedfactory.synthesis.SynthesisResult;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes and reads the {@link ModelLineage} of a training run: what was planned, sampled and trained,
 * every default resolved, so the record and the module files alone reproduce the weights
 * ({@link LineageRetraining}).
 */
public final class LineageRecord {

    /** ONNX metadata key under which an exported classifier carries its lineage (protobuf JSON). */
    public static final String METADATA_KEY = "fedfactory.lineage";
    /** The code version when the build stamped none. */
    public static final String UNKNOWN_CODE = "unknown";

    private LineageRecord() {
    }

    /**
     * @param manifests   the wire manifest of every planned module, by module id
     * @param codeVersion the git commit of the training code
     */
    public static ModelLineage of(FederationSpec spec, ClassifierRecipe recipe, SynthesisResult synthesis,
                                  SamplingOptions sampling, Map<String, ModuleManifest> manifests,
                                  TrainedClassifier classifier, String codeVersion) {
        ModelLineage.Builder b = ModelLineage.newBuilder()
                .setFederationId(spec.getFederationId()).setFederationSeed(spec.getSeed())
                .addAllLabelNames(spec.getLabelNamesList()).setImageSpec(spec.getImageSpec())
                .setSamplesPerClass(spec.getSamplesPerClass())
                .setRecipe(effective(recipe))
                .setSampler(SamplerSettings.newBuilder().setIntraOpThreads(sampling.intraOpThreads())
                        .setDecoderBatchSize(sampling.decoderBatchSize()).setDiffusionBatchSize(sampling.diffusionBatchSize())
                        .setDiffusionSteps(sampling.diffusionSteps()))
                .putAllLibraryVersions(libraryVersions())
                .setCodeVersion(codeVersion)
                .setWeightSha256(classifier.weightHash())
                .addAllSkippedClasses(synthesis.plan().skippedClasses());
        synthesis.shards().stream().sorted(Comparator.comparing(ShardRecord::moduleId)).forEach(s -> {
            ModuleManifest m = manifests.get(s.moduleId());
            if (m == null) throw new IllegalArgumentException("lineage: no manifest for planned module " + s.moduleId());
            b.addPlan(PlannedModule.newBuilder().setModuleId(s.moduleId()).setClassIndex(s.classIndex())
                    .setSamples(s.count()).setShardSha256(s.sha256()).setManifest(m));
        });
        return b.build();
    }

    /** The recipe as training ran it. */
    public static EffectiveRecipe effective(ClassifierRecipe r) {
        return EffectiveRecipe.newBuilder().setArchitecture("resnet-basic").setBaseWidth(r.baseWidth())
                .addAllBlocksPerStage(r.blocksPerStage()).setEpochs(r.epochs()).setBatchSize(r.batchSize())
                .setLearningRate(r.learningRate()).setMomentum(r.momentum()).setWeightDecay(r.weightDecay())
                .setSchedule(r.schedule().name().toLowerCase(Locale.ROOT))
                .setCropPadding(r.augmentation().cropPadding()).setHorizontalFlip(r.augmentation().horizontalFlip())
                .setSeed(r.seed()).setThreads(r.threads()).setInputBlur(r.inputBlur()).build();
    }

    /** The recipe an effective recipe names; fails naming the field when it cannot be one. */
    public static ClassifierRecipe recipe(EffectiveRecipe r) {
        if (!r.getArchitecture().equals("resnet-basic")) {
            throw new IllegalArgumentException("lineage.recipe.architecture: unknown '" + r.getArchitecture() + "'");
        }
        LearningRateSchedule schedule;
        try {
            schedule = LearningRateSchedule.valueOf(r.getSchedule().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lineage.recipe.schedule: unknown '" + r.getSchedule() + "'", e);
        }
        return new ClassifierRecipe(r.getBaseWidth(), r.getBlocksPerStageList(), r.getEpochs(), r.getBatchSize(),
                r.getLearningRate(), r.getMomentum(), r.getWeightDecay(), schedule,
                new Augmentation(r.getCropPadding(), r.getHorizontalFlip()), r.getSeed(), r.getThreads(), r.getInputBlur());
    }

    /** The sampling options a lineage names. */
    public static SamplingOptions sampling(SamplerSettings s) {
        return new SamplingOptions(s.getIntraOpThreads(), s.getDecoderBatchSize(), s.getDiffusionBatchSize(),
                s.getDiffusionSteps());
    }

    /** {@code onnx} with {@code lineage} added to its metadata under {@link #METADATA_KEY}. */
    public static byte[] stamp(byte[] onnx, ModelLineage lineage) {
        try {
            OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(onnx);
            return model.toBuilder().addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(METADATA_KEY)
                    .setValue(JsonFormat.printer().omittingInsignificantWhitespace().print(lineage))).build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("classifier ONNX does not parse, or its lineage does not print", e);
        }
    }

    /** The lineage an exported classifier carries, if any. */
    public static Optional<ModelLineage> read(byte[] onnx) {
        try {
            for (OnnxMl.StringStringEntryProto e : OnnxMl.ModelProto.parseFrom(onnx).getMetadataPropsList()) {
                if (e.getKey().equals(METADATA_KEY)) {
                    ModelLineage.Builder b = ModelLineage.newBuilder();
                    JsonFormat.parser().merge(e.getValue(), b);
                    return Optional.of(b.build());
                }
            }
            return Optional.empty();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("classifier ONNX or its " + METADATA_KEY + " metadata does not parse: "
                    + e.getMessage(), e);
        }
    }

    /** Versions of the libraries that sampled and trained, for the record. */
    public static Map<String, String> libraryVersions() {
        Map<String, String> v = new TreeMap<>(TorchThreads.libraryVersions());
        try {
            v.put("onnxruntime", io.fedfactory.onnx.runtime.OnnxModel.runtimeVersion());
        } catch (RuntimeException | LinkageError e) {
            v.put("onnxruntime", "unavailable");
        }
        return v;
    }
}
