package io.fedfactory.aggregator.models;

import io.fedfactory.contracts.EventTypes;
import io.fedfactory.aggregator.events.EventPublisher;
import io.fedfactory.contracts.Topics;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.RecordKinds;
import io.fedfactory.proto.v1.ClassificationMetrics;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelPublished;
import io.fedfactory.proto.v1.ModelRevoked;
import io.fedfactory.proto.v1.ModelVersionInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Immutable model versions with their lineage: published once trained, revoked when their lineage
 * holds a deleted module. The ONNX bytes are content-addressed; the record is written before the
 * event that announces it.
 */
@ApplicationScoped
public class ModelVersions {

    private static final Logger LOG = Logger.getLogger(ModelVersions.class);
    static final String BLOBS = "models";

    @Inject
    AggregatorStore store;

    @Inject
    EventPublisher events;

    /** Stores and announces a new version of {@code spec}'s federation. */
    public synchronized ModelVersionInfo publish(FederationSpec spec, TrainingOutcome outcome) {
        String fed = spec.getFederationId();
        int n = list(fed).size() + 1;
        String version = fed + "-v" + n;
        String onnxHash = store.blobs(BLOBS).put(outcome.onnx());
        var last = outcome.classifier().history().isEmpty() ? null
                : outcome.classifier().history().get(outcome.classifier().history().size() - 1);
        ModelVersionInfo info = ModelVersionInfo.newBuilder()
                .setVersion(version).setFederationId(fed).addAllLineage(outcome.lineage())
                .setOnnxSha256(onnxHash).setWeightSha256(outcome.classifier().weightHash())
                .setSizeBytes(outcome.onnx().length).setRecipe(wireRecipe(outcome.classifier().recipe()))
                .setFullLineage(outcome.fullLineage())
                .setTrainMetrics(ClassificationMetrics.newBuilder()
                        .setExamples(outcome.synthesis().plan().totalSamples())
                        .setAccuracy(last == null ? 0 : last.trainAccuracy()))
                .setPublishedAt(AggregatorStore.rfc3339(Instant.now()))
                .addAllLabelNames(spec.getLabelNamesList()).setImageSpec(spec.getImageSpec())
                .setCodeVersion(outcome.fullLineage().getCodeVersion())
                .build();
        store.records().put(RecordKinds.MODEL_VERSIONS, version, info);
        // The record is the commit point; the announcement waits out a broker that is down for a while.
        events.publishPatiently(Topics.MODELS, version, EventTypes.MODEL_PUBLISHED, fed,
                Event.newBuilder().setModelPublished(ModelPublished.newBuilder().setInfo(info)));
        LOG.infof("published %s: %d modules, weights %s, %d bytes", version, outcome.lineage().size(),
                info.getWeightSha256().substring(0, 12), outcome.onnx().length);
        return info;
    }

    /**
     * Revokes every unrevoked version whose lineage holds one of {@code moduleIds}: durable first,
     * then a ModelRevoked event each (the inference service stops serving on it).
     */
    public synchronized List<String> revokeContaining(Collection<String> moduleIds, String reason) {
        var deleted = new HashSet<>(moduleIds);
        List<String> revoked = new ArrayList<>();
        for (ModelVersionInfo v : store.records().list(RecordKinds.MODEL_VERSIONS, ModelVersionInfo.parser())) {
            if (v.getRevoked() || v.getLineageList().stream().noneMatch(deleted::contains)) continue;
            ModelVersionInfo r = v.toBuilder().setRevoked(true).setRevokedAt(AggregatorStore.rfc3339(Instant.now()))
                    .setRevokedReason(reason).build();
            store.records().put(RecordKinds.MODEL_VERSIONS, v.getVersion(), r);
            events.publish(Topics.MODELS, v.getVersion(), EventTypes.MODEL_REVOKED, v.getFederationId(),
                    Event.newBuilder().setModelRevoked(ModelRevoked.newBuilder().setVersion(v.getVersion())
                            .setReason(reason).addAllModuleIds(v.getLineageList().stream().filter(deleted::contains).toList())));
            revoked.add(v.getVersion());
            LOG.infof("revoked %s: %s", v.getVersion(), reason);
        }
        return revoked;
    }

    /** The unrevoked version of a federation trained from exactly {@code lineage} (sorted module ids), if any. */
    public Optional<ModelVersionInfo> unrevokedWithLineage(String federationId, List<String> lineage) {
        return list(federationId).stream().filter(v -> !v.getRevoked() && v.getLineageList().equals(lineage)).findFirst();
    }

    /** Announces a stored version again (its ModelPublished may never have reached the broker); returns it. */
    public synchronized ModelVersionInfo announce(ModelVersionInfo info) {
        events.publishPatiently(Topics.MODELS, info.getVersion(), EventTypes.MODEL_PUBLISHED, info.getFederationId(),
                Event.newBuilder().setModelPublished(ModelPublished.newBuilder().setInfo(info)));
        LOG.infof("announced %s again: it was stored before the aggregator stopped", info.getVersion());
        return info;
    }

    /** Versions of a federation, oldest first. */
    public List<ModelVersionInfo> list(String federationId) {
        return store.records().list(RecordKinds.MODEL_VERSIONS, ModelVersionInfo.parser()).stream()
                .filter(v -> v.getFederationId().equals(federationId))
                .sorted(Comparator.comparingInt(ModelVersions::number)).toList();
    }

    public Optional<ModelVersionInfo> get(String version) {
        if (!io.fedfactory.aggregator.store.RecordStore.ID.matcher(version).matches()) return Optional.empty();
        return store.records().get(RecordKinds.MODEL_VERSIONS, version, ModelVersionInfo.parser());
    }

    /** The newest unrevoked version of a federation. */
    public Optional<ModelVersionInfo> current(String federationId) {
        return list(federationId).stream().filter(v -> !v.getRevoked()).reduce((a, b) -> b);
    }

    public byte[] bytes(ModelVersionInfo info) {
        return store.blobs(BLOBS).read(info.getOnnxSha256());
    }

    private static int number(ModelVersionInfo v) {
        String s = v.getVersion();
        return Integer.parseInt(s.substring(s.lastIndexOf("-v") + 2));
    }

    /** The recipe training used, defaults resolved, in the wire form of a spec's recipe. */
    static io.fedfactory.proto.v1.ClassifierRecipe wireRecipe(io.fedfactory.classifier.ClassifierRecipe r) {
        return io.fedfactory.proto.v1.ClassifierRecipe.newBuilder().setBaseWidth(r.baseWidth())
                .addAllBlocksPerStage(r.blocksPerStage()).setEpochs(r.epochs()).setBatchSize(r.batchSize())
                .setLearningRate(r.learningRate()).setMomentum(r.momentum()).setWeightDecay(r.weightDecay())
                .setAugment(r.augmentation().enabled()).setThreads(r.threads()).build();
    }
}
