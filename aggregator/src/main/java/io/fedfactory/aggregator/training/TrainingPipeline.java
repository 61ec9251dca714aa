package io.fedfactory.aggregator.training;

import io.fedfactory.contracts.EventTypes;
import io.fedfactory.aggregator.events.EventPublisher;
import io.fedfactory.contracts.Topics;
import io.fedfactory.aggregator.models.TrainingOutcome;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.data.Dataset;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.lineage.LineageRecord;
import io.fedfactory.lineage.WireManifests;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelLineage;
import io.fedfactory.proto.v1.SynthesisProgress;
import io.fedfactory.proto.v1.TrainingProgress;
import io.fedfactory.synthesis.SynthesisPlan;
import io.fedfactory.synthesis.SynthesisPlanner;
import io.fedfactory.synthesis.SynthesisResult;
import io.fedfactory.synthesis.Synthesizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Synthesis then global training, for one federation and one set of modules: where the class-balanced
 * synthetic dataset is sampled from the modules and the classifier is trained on it. Everything is
 * derived from the federation seed and the module ids, so the same modules give bit-identical weights.
 */
@ApplicationScoped
public class TrainingPipeline {

    private static final Logger LOG = Logger.getLogger(TrainingPipeline.class);

    @Inject
    AggregatorStore store;

    @Inject
    EventPublisher events;

    /** How each class's budget is split over its modules (the federated strategy). */
    @Inject
    SynthesisPlanner planner;

    /** Which recipe trains the global classifier. */
    @Inject
    RecipePolicy recipes;

    /** Threads sampling a module's batches at once, each ONNX Runtime call on one thread. */
    @ConfigProperty(name = "fedfactory.synthesis.threads", defaultValue = "2")
    int samplingThreads;

    /** Heun steps for diffusion modules; 0 samples each with the steps its manifest declares. */
    @ConfigProperty(name = "fedfactory.synthesis.diffusion-steps", defaultValue = "0")
    int diffusionSteps;

    /** Seconds between progress events. */
    @ConfigProperty(name = "fedfactory.progress.interval-seconds", defaultValue = "1")
    double progressInterval;

    /**
     * @param shardDir where shards are written and, when already there with the right content, reused
     * @param jobId    carried by progress events; null publishes none (the from-scratch check)
     */
    public TrainingOutcome run(FederationSpec spec, List<StoredModule> admitted, Path shardDir, String jobId) {
        String fed = spec.getFederationId();
        // The store lists modules in arrival order; nothing downstream may see that order.
        List<StoredModule> modules = admitted.stream()
                .sorted(Comparator.comparing((StoredModule m) -> m.getRecord().getModuleId())).toList();
        List<ModuleManifest> manifests = modules.stream()
                .map(m -> WireManifests.toCore(m.getRecord().getManifest(), spec)).toList();
        var s = spec.getImageSpec();
        var imageSpec = new io.fedfactory.data.ImageSpec(s.getChannels(), s.getHeight(), s.getWidth(),
                s.getValueMin(), s.getValueMax());
        SynthesisPlan plan = planner.plan(spec.getLabelNamesList(), imageSpec, spec.getSamplesPerClass(), spec.getSeed(), manifests);
        SamplingOptions options = SamplingOptions.defaults().withSamplers(samplingThreads);
        if (diffusionSteps > 0) options = options.withDiffusionSteps(diffusionSteps);

        long t0 = System.nanoTime();
        Throttle throttle = new Throttle(progressInterval);
        SynthesisResult synthesis;
        try {
            Files.createDirectories(shardDir);
            synthesis = new Synthesizer(options).synthesize(plan,
                    id -> Files.readAllBytes(store.moduleBytes(id)), shardDir, p -> {
                        if (jobId != null && (throttle.due() || p.done() == p.total())) {
                            events.publishProgress(fed, EventTypes.SYNTHESIS_PROGRESS, fed,
                                    Event.newBuilder().setSynthesisProgress(SynthesisProgress.newBuilder().setJobId(jobId)
                                            .setSamplesDone(p.done()).setSamplesTotal(p.total()).setPercent(p.percent())
                                            .setEtaSeconds(p.eta().map(d -> d.toMillis() / 1000.0).orElse(-1.0))
                                            .setModuleId(p.moduleId() == null ? "" : p.moduleId())));
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("synthesis for " + fed + " failed", e);
        }
        double synthSeconds = (System.nanoTime() - t0) / 1e9;
        LOG.infof("%s: synthesized %d samples from %d modules in %.1f s (%d shards reused)", fed, plan.totalSamples(),
                manifests.size(), synthSeconds, synthesis.shards().stream().filter(r -> r.reused()).count());

        Dataset data;
        try {
            data = synthesis.load(fed + " synthetic");
        } catch (IOException e) {
            throw new UncheckedIOException("loading shards of " + fed + " failed", e);
        }
        ClassifierRecipe recipe = recipes.recipe(spec);
        long t1 = System.nanoTime();
        Throttle trainThrottle = new Throttle(progressInterval);
        TrainedClassifier classifier = new ClassifierTrainer(recipe).train(data, p -> {
            if (jobId != null && (trainThrottle.due() || p.fraction() >= 1.0)) {
                events.publishProgress(fed, EventTypes.TRAINING_PROGRESS, fed,
                        Event.newBuilder().setTrainingProgress(TrainingProgress.newBuilder().setJobId(jobId)
                                .setEpoch(p.epoch()).setEpochs(p.epochs()).setPercent(100 * p.fraction())
                                .setEtaSeconds(p.remaining().toMillis() / 1000.0)));
            }
        });
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        LOG.infof("%s: trained the classifier on %d synthetic images in %.1f s, weights %s", fed, data.size(),
                trainSeconds, classifier.weightHash().substring(0, 12));
        List<String> lineage = modules.stream().map(m -> m.getRecord().getModuleId()).sorted().toList();
        Map<String, io.fedfactory.proto.v1.ModuleManifest> wireManifests = new TreeMap<>();
        for (StoredModule m : modules) wireManifests.put(m.getRecord().getModuleId(), m.getRecord().getManifest());
        ModelLineage full = LineageRecord.of(spec, recipe, synthesis, options, wireManifests, classifier, CodeVersion.get());
        boolean[] covered = new boolean[spec.getLabelNamesCount()];
        for (int c = 0; c < covered.length; c++) covered[c] = plan.samplesOfClass(c) > 0;
        byte[] onnx = LineageRecord.stamp(io.fedfactory.aggregator.models.ClassMask.apply(classifier.toOnnx(), covered), full);
        return new TrainingOutcome(classifier, onnx, lineage, full, synthesis, synthSeconds, trainSeconds);
    }

    /** Lets a progress event through at most once per interval. */
    private static final class Throttle {
        private final long intervalNanos;
        private long last;

        Throttle(double seconds) {
            this.intervalNanos = (long) (seconds * 1e9);
            this.last = System.nanoTime() - intervalNanos;
        }

        synchronized boolean due() {
            long now = System.nanoTime();
            if (now - last < intervalNanos) return false;
            last = now;
            return true;
        }
    }
}
