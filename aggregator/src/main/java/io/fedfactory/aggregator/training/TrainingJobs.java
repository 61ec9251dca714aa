package io.fedfactory.aggregator.training;

import io.fedfactory.generative.ModuleContract;
import io.fedfactory.aggregator.federation.FederationRegistry;
import io.fedfactory.aggregator.models.ModelVersions;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleState;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /** Start-up order: unlearning's recovery first (lower runs earlier), then this one. */
    public static final int START_PRIORITY = jakarta.interceptor.Interceptor.Priority.APPLICATION + 600;
    private final java.util.Map<String, Queued> queued = new java.util.HashMap<>();
    private final java.util.Set<String> running = new java.util.HashSet<>();

    @Inject
    AggregatorStore store;

    @Inject
    FederationRegistry federations;

    @Inject
    TrainingPipeline pipeline;

    @Inject
    ModelVersions versions;

    /** After {@code Unlearning}'s start-up (which may already have queued a retrain with its certificate). */
    void onStart(@Observes @Priority(START_PRIORITY) StartupEvent e) {
        for (var f : store.federations()) {
            String id = f.getSpec().getFederationId();
            if (f.getState() == FederationState.FEDERATION_STATE_TRAINING && !active(id)) {
                LOG.infof("%s was training when the aggregator stopped; training again", f.getSpec().getFederationId());
                submit(id, null);
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
            throw new TrainingRefusedException("NO_ADMITTED_MODULES", "federation " + federationId
                    + " has no admitted modules to train from");
        }
        if (f.getState() == FederationState.FEDERATION_STATE_OPEN) federations.close(federationId, "manual");
        if (f.getState() == FederationState.FEDERATION_STATE_TRAINING) {
            throw new TrainingRefusedException("ALREADY_TRAINING", "federation " + federationId + " is already training");
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

    /**
     * The admitted modules synthesis can plan. A module admitted before admission refused what the
     * planner cannot take (several classes) is left out, with a warning: one site's module never stops
     * a federation's training.
     */
    public List<StoredModule> admitted(String federationId) {
        return store.modules(federationId).stream()
                .filter(m -> m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED)
                .filter(TrainingJobs::plannable).toList();
    }

    private static boolean plannable(StoredModule m) {
        try {
            ModuleContract.checkClasses(m.getRecord().getManifest().getClassesList());
            return true;
        } catch (ModuleContract.Violation v) {
            LOG.warnf("module %s of site %s is left out of training: %s", m.getRecord().getModuleId(),
                    m.getRecord().getManifest().getSiteId(), v.getMessage());
            return false;
        }
    }

    public Path shardDir(String federationId) {
        return store.root().resolve("shards").resolve(federationId);
    }

    /**
     * Queues a job for the federation, or joins the one already queued and not yet started (then both
     * callers' {@code then} run on its version): a start-up that finds a federation TRAINING and an
     * unfinished certificate for it asks twice, and must train once.
     */
    private synchronized String submit(String federationId, Consumer<ModelVersionInfo> then) {
        Queued waiting = queued.get(federationId);
        if (waiting != null) {
            if (then != null) waiting.then.add(then);
            LOG.infof("job %s already queued for %s; joined it", waiting.id, federationId);
            return waiting.id;
        }
        Queued job = new Queued(federations.nextJobId(federationId));
        if (then != null) job.then.add(then);
        queued.put(federationId, job);
        worker.submit(() -> run(federationId, job));
        LOG.infof("job %s queued", job.id);
        return job.id;
    }

    /** Whether a job of the federation is queued or running in this process. */
    private synchronized boolean active(String federationId) {
        return queued.containsKey(federationId) || running.contains(federationId);
    }

    private void run(String federationId, Queued job) {
        synchronized (this) {
            queued.remove(federationId, job);
            running.add(federationId);
        }
        try {
            var spec = federations.get(federationId).getSpec();
            List<StoredModule> modules = admitted(federationId);
            List<String> lineage = modules.stream().map(m -> m.getRecord().getModuleId()).sorted().toList();
            // A version of exactly these modules is already durable (a crash after its record, before
            // the state change): announce it again rather than publish the same model twice.
            ModelVersionInfo info = versions.unrevokedWithLineage(federationId, lineage).map(versions::announce)
                    .orElseGet(() -> versions.publish(spec, pipeline.run(spec, modules, shardDir(federationId), job.id)));
            federations.setState(federationId, FederationState.FEDERATION_STATE_PUBLISHED,
                    "published " + info.getVersion());
            for (Consumer<ModelVersionInfo> then : job.then) then.accept(info);
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "job %s failed", job.id);
            federations.setState(federationId, FederationState.FEDERATION_STATE_FAILED,
                    "job " + job.id + " failed: " + e.getMessage());
        } finally {
            synchronized (this) {
                running.remove(federationId);
            }
        }
    }

    /** A job queued and not started yet: later requests for the same federation join it. */
    private static final class Queued {
        final String id;
        final List<Consumer<ModelVersionInfo>> then = new java.util.concurrent.CopyOnWriteArrayList<>();

        Queued(String id) {
            this.id = id;
        }
    }
}
