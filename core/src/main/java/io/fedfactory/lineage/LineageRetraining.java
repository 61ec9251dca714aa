package io.fedfactory.lineage;

import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.proto.v1.ModelLineage;
import io.fedfactory.proto.v1.PlannedModule;
import io.fedfactory.synthesis.Allocation;
import io.fedfactory.synthesis.ModuleSource;
import io.fedfactory.synthesis.ShardRecord;
import io.fedfactory.synthesis.SynthesisListener;
import io.fedfactory.synthesis.SynthesisPlan;
import io.fedfactory.synthesis.SynthesisResult;
import io.fedfactory.synthesis.Synthesizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Retrains a model from its {@link ModelLineage} and the module files alone, as an auditor does:
 * the plan, sampler settings and recipe are taken from the record, never from defaults or the
 * order the modules come in, and every shard hash is compared with the recorded one.
 */
public final class LineageRetraining {

    /** What a retrain produced, and where it departed from the record. */
    public record Result(TrainedClassifier classifier, SynthesisResult synthesis, List<String> shardMismatches) {

        public boolean weightsMatch(ModelLineage lineage) {
            return classifier.weightHash().equals(lineage.getWeightSha256());
        }
    }

    private LineageRetraining() {
    }

    /** The plan the lineage records, with each module's manifest as admitted. */
    public static SynthesisPlan plan(ModelLineage lineage) {
        var s = lineage.getImageSpec();
        ImageSpec spec = new ImageSpec(s.getChannels(), s.getHeight(), s.getWidth(), s.getValueMin(), s.getValueMax());
        List<Allocation> allocations = new ArrayList<>();
        for (PlannedModule p : lineage.getPlanList()) {
            if (!ContentHash.isSha256Hex(p.getModuleId())) {
                throw new IllegalArgumentException("lineage.plan.module_id: '" + p.getModuleId() + "' is not a SHA-256");
            }
            ModuleManifest m = WireManifests.toCore(p.getManifest(), lineage.getLabelNamesList());
            if (!m.moduleId().equals(p.getModuleId())) {
                throw new IllegalArgumentException("lineage.plan: manifest of " + p.getModuleId() + " names module "
                        + m.moduleId());
            }
            allocations.add(new Allocation(m, p.getClassIndex(), p.getSamples()));
        }
        return new SynthesisPlan(lineage.getLabelNamesList(), spec, lineage.getSamplesPerClass(),
                lineage.getFederationSeed(), allocations, lineage.getSkippedClassesList());
    }

    /** Synthesizes the recorded plan into {@code shardDir} from {@code modules}, then trains the recorded recipe. */
    public static Result retrain(ModelLineage lineage, ModuleSource modules, Path shardDir) throws IOException {
        SynthesisPlan plan = plan(lineage);
        SynthesisResult synthesis = new Synthesizer(LineageRecord.sampling(lineage.getSampler()))
                .synthesize(plan, modules, shardDir, SynthesisListener.NONE);
        List<String> mismatches = new ArrayList<>();
        for (PlannedModule p : lineage.getPlanList()) {
            String got = synthesis.shards().stream().filter(r -> r.moduleId().equals(p.getModuleId()))
                    .map(ShardRecord::sha256).findFirst().orElse("");
            if (!p.getShardSha256().isEmpty() && !got.equals(p.getShardSha256())) {
                mismatches.add(p.getModuleId() + ": shard " + got + ", recorded " + p.getShardSha256());
            }
        }
        Dataset data = synthesis.load(lineage.getFederationId() + " synthetic");
        TrainedClassifier classifier = new ClassifierTrainer(LineageRecord.recipe(lineage.getRecipe())).train(data);
        return new Result(classifier, synthesis, mismatches);
    }
}
