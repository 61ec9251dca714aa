package io.fedfactory.aggregator.training;

import io.fedfactory.aggregator.federation.FederationRegistry;
import io.fedfactory.aggregator.models.ModelVersions;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleState;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs synthesis, training and publication as background jobs, one at a time: the training library's
 * state is process-wide, and two jobs would only share the same cores. A federation left in TRAINING
 * by a crash is trained again at start-up.
 */
@ApplicationScoped
public class TrainingJobs {

    private static final Logger LOG = Logger.getLogger(TrainingJobs.class);

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "fedfactory-training"));
    private final AtomicLong jobs = new AtomicLong();

    @Inject
    AggregatorStore store;

    @Inject
    FederationRegistry federations;

    @Inject
    TrainingPipeline pipeline;

    @Inject
    ModelVersions versions;

    void onStart(@Observes StartupEvent e) {
        for (var f : store.federations()) {
            if (f.getState() == FederationState.FEDERATION_STATE_TRAINING) {
                LOG.infof("%s was training when the aggregator stopped; training again", f.getSpec().getFederationId());
                submit(f.getSpec().getFederationId(), null);
            }
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        worker.shutdownNow();
    }

    /** Closes the federation if open, marks it TRAINING and queues the job; returns the job id. */
    public String start(String federationId) {
        var f = federations.get(federationId);
        if (admitted(federationId).isEmpty()) {
            throw new IllegalStateException("federation " + federationId + " has no admitted modules to train from");
        }
        if (f.getState() == FederationState.FEDERATION_STATE_OPEN) federations.close(federationId, "manual");
        if (f.getState() == FederationState.FEDERATION_STATE_TRAINING) {
            throw new IllegalStateException("federation " + federationId + " is already training");
        }
        federations.setState(federationId, FederationState.FEDERATION_STATE_TRAINING, "synthesis and training queued");
        return submit(federationId, null);
    }

    /**
     * Queues a retrain from the federation's admitted modules (after an unlearning deletion);
     * {@code then} receives the published version on the worker thread.
     */
    public String retrain(String federationId, Consumer<ModelVersionInfo> then) {
        federations.setState(federationId, FederationState.FEDERATION_STATE_TRAINING, "retraining after a deletion");
        return submit(federationId, then);
    }

    /** Runs {@code work} on the training worker, after any queued job. */
    public Future<?> enqueue(Runnable work) {
        return worker.submit(work);
    }

    public List<StoredModule> admitted(String federationId) {
        return store.modules(federationId).stream()
                .filter(m -> m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED).toList();
    }

    public Path shardDir(String federationId) {
        return store.root().resolve("shards").resolve(federationId);
    }

    private String submit(String federationId, Consumer<ModelVersionInfo> then) {
        String jobId = federationId + "-job-" + jobs.incrementAndGet();
        worker.submit(() -> {
            try {
                var spec = federations.get(federationId).getSpec();
                var outcome = pipeline.run(spec, admitted(federationId), shardDir(federationId), jobId);
                ModelVersionInfo info = versions.publish(spec, outcome);
                federations.setState(federationId, FederationState.FEDERATION_STATE_PUBLISHED,
                        "published " + info.getVersion());
                if (then != null) then.accept(info);
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "job %s failed", jobId);
                federations.setState(federationId, FederationState.FEDERATION_STATE_FAILED,
                        "job " + jobId + " failed: " + e.getMessage());
            }
        });
        LOG.infof("job %s queued", jobId);
        return jobId;
    }
}
