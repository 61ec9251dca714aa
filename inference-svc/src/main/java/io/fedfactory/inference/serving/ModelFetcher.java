package io.fedfactory.inference.serving;

import io.fedfactory.inference.catalog.ModelCatalog;
import io.fedfactory.inference.catalog.VersionOrder;
import io.fedfactory.inference.security.ServiceTls;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings each federation's serving slot to the newest published, unrevoked version, on a worker of
 * its own so that the Kafka consumer never waits for a download. A pass takes the version from the
 * cache or the aggregator, verifies and loads it, and swaps it in; a failed pass leaves the slot as it
 * was, counts {@code fedfactory_model_download_failures_total} and tries again with exponential
 * backoff. Passes for one federation coalesce, and none runs before the start-up replay of the topics
 * has caught up ({@link EventLogProgress}), so a restart fetches only the version that is current
 * once the whole log is applied. A version announced while an older one loads replaces it: the older
 * one is discarded at swap time.
 */
// Started eagerly: a bad property or an unusable cache directory should fail start-up, not the first event.
@Startup
@ApplicationScoped
public class ModelFetcher {

    private static final Logger LOG = Logger.getLogger(ModelFetcher.class);

    /**
     * The fetch under way for a federation, for the REST view: the version, "loading" or "failed", and
     * the last error (kept while a retry loads).
     */
    public record FetchStatus(String version, String state, String message) {
    }

    @Inject
    ModelCatalog catalog;

    @Inject
    ServedModels served;

    @Inject
    MeterRegistry meters;

    @Inject
    ServingSettings settings;

    @ConfigProperty(name = "fedfactory.aggregator.host", defaultValue = "127.0.0.1")
    String aggregatorHost;

    @ConfigProperty(name = "fedfactory.aggregator.grpc-port", defaultValue = "9081")
    int aggregatorPort;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "mp.messaging.incoming.events.topics")
    List<String> eventTopics;

    private ScheduledExecutorService worker;
    private ModelSource source;
    private ModelLoader loader;
    private EventLogProgress replay;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, FetchStatus> status = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        settings.check();
        ModelCache cache = new ModelCache(Path.of(settings.cacheDir()));
        ServiceTls tls = ServiceTls.from(n -> ConfigProvider.getConfig().getOptionalValue(n, String.class).orElse(null))
                .requireFiles();
        source = new ModelSource(cache, new ModelDownloader(aggregatorHost, aggregatorPort,
                tls.enabled() ? tls.files() : null, cache,
                settings.downloadTimeout(), settings.maxModelBytes()));
        loader = new ModelLoader(settings);
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-fetch");
            t.setDaemon(true);
            return t;
        });
        replay = new EventLogProgress(bootstrapServers, eventTopics, settings.replayTimeout(), java.time.InstantSource.system());
        worker.execute(replay::measure);
        LOG.infof("model fetcher: aggregator %s:%d (%s), %s", aggregatorHost, aggregatorPort,
                tls.enabled() ? "mutual TLS as " + ServiceTls.IDENTITY : "PLAINTEXT", source.describe());
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
            source.close();
        }
        served.retireAll();
    }

    /** Asks for a pass over {@code federationId}; returns at once. */
    public void reconcile(String federationId) {
        if (federationId.isEmpty() || worker.isShutdown()) return;
        if (queued.add(federationId)) {
            worker.execute(() -> pass(federationId));
        }
    }

    /** The event consumer has applied this record (see {@link EventLogProgress}). */
    public void eventApplied(String topic, int partition, long offset) {
        replay.processed(topic, partition, offset);
    }

    /** Drops a revoked version's bytes from the cache (it is never loaded again). */
    public void forget(ModelVersionInfo revoked) {
        if (worker.isShutdown()) return;
        worker.execute(() -> {
            try {
                source.forget(revoked);
            } catch (IOException e) {
                LOG.warnf("cannot remove the cached bytes of revoked %s: %s", revoked.getVersion(), e.getMessage());
            }
        });
    }

    public Optional<FetchStatus> status(String federationId) {
        return Optional.ofNullable(status.get(federationId));
    }

    /**
     * The version a pass should load: the catalog's current one, if newer than what the slot had or,
     * for an empty slot, newer than every revoked version (so that after a restart the service serves
     * what it served before: nothing when the newest version was revoked).
     */
    Optional<ModelVersionInfo> target(String federationId) {
        Optional<ModelVersionInfo> current = catalog.current(federationId);
        Optional<ModelVersionInfo> floor = served.floor(federationId).or(() -> catalog.newestRevoked(federationId));
        if (current.isEmpty() || floor.isPresent() && !VersionOrder.newer(current.get(), floor.get())) {
            return Optional.empty();
        }
        return current;
    }

    private void pass(String federationId) {
        queued.remove(federationId);
        if (!replay.caughtUp()) {
            worker.schedule(() -> reconcile(federationId), 100, TimeUnit.MILLISECONDS);
            return;
        }
        Optional<ModelVersionInfo> target = target(federationId);
        if (target.isEmpty()) {
            status.remove(federationId);
            return;
        }
        ModelVersionInfo info = target.get();
        // A retry keeps showing why the previous attempt failed.
        FetchStatus previous = status.get(federationId);
        String lastError = previous != null && previous.version().equals(info.getVersion()) ? previous.message() : "";
        status.put(federationId, new FetchStatus(info.getVersion(), "loading", lastError));
        try {
            ServedModel model = fetchAndLoad(info);
            served.swapIn(model);
            failures.remove(info.getVersion());
            status.remove(federationId);
        } catch (FetchFailure f) {
            int n = failures.merge(info.getVersion(), 1, Integer::sum);
            long delay = backoffMillis(n);
            status.put(federationId, new FetchStatus(info.getVersion(), "failed", f.getMessage()));
            meters.counter("fedfactory_model_download_failures_total", "federation", federationId,
                    "reason", f.reason()).increment();
            LOG.errorf("cannot serve %s (%s, attempt %d): %s; keeping %s, retrying in %d ms", info.getVersion(),
                    f.reason(), n, f.getMessage(), served.floor(federationId).map(ModelVersionInfo::getVersion)
                            .orElse("no model"), delay);
            worker.schedule(() -> reconcile(federationId), delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.errorf(e, "unexpected failure while fetching %s; retrying", info.getVersion());
            meters.counter("fedfactory_model_download_failures_total", "federation", federationId,
                    "reason", "internal").increment();
            worker.schedule(() -> reconcile(federationId), settings.fetchRetryMax().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    long backoffMillis(int failuresSoFar) {
        long initial = settings.fetchRetryInitial().toMillis();
        long max = settings.fetchRetryMax().toMillis();
        int shift = Math.min(failuresSoFar - 1, 30);
        return Math.min(max, initial << shift);
    }

    private ServedModel fetchAndLoad(ModelVersionInfo info) throws FetchFailure {
        String version = info.getVersion();
        Optional<FederationSpec> federation = catalog.federation(info.getFederationId());
        ImageSpec spec = info.hasImageSpec() ? info.getImageSpec() : federation.map(FederationSpec::getImageSpec).orElse(null);
        List<String> labels = !info.getLabelNamesList().isEmpty() ? List.copyOf(info.getLabelNamesList())
                : federation.<List<String>>map(f -> List.copyOf(f.getLabelNamesList())).orElse(List.of());
        if (spec == null || spec.getChannels() < 1 || spec.getHeight() < 1 || spec.getWidth() < 1) {
            throw new FetchFailure("info", version + ": neither the version nor its federation carries an image spec");
        }
        if (labels.size() < 2) {
            throw new FetchFailure("info", version + ": " + labels.size() + " label names; a classifier needs at least 2");
        }
        ModelSource.Fetched fetched = source.fetch(info);
        meters.counter("fedfactory_model_fetches_total", "federation", info.getFederationId(),
                "source", fetched.source()).increment();
        DistributionSummary batchSizes = DistributionSummary.builder("fedfactory_inference_batch_size")
                .description("images per ONNX Runtime call").tag("federation", info.getFederationId())
                .publishPercentiles(0.5, 0.99).register(meters);
        ServedModel model = loader.load(info, spec, labels, fetched.bytes(), batchSizes::record);
        LOG.infof("%s verified (sha256 %s, %d bytes, from the %s) and loaded", version,
                info.getOnnxSha256().substring(0, 12), fetched.bytes().length, fetched.source());
        return model;
    }
}
