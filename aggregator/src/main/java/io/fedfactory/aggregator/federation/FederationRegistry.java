package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.models.ModelVersions;
import io.fedfactory.proto.v1.SiteMetricsReport;

import io.fedfactory.aggregator.events.FederationEvents;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.ModuleClaims;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The federations this aggregator runs: creation, closing, status, their modules. State lives in the
 * {@link AggregatorStore}, so federations survive a restart. Every state change is durable before its
 * event is published, and the registry's lock orders state changes and their events per federation.
 */
@ApplicationScoped
public class FederationRegistry {

    @Inject
    ModelVersions versions;

    private static final Logger LOG = Logger.getLogger(FederationRegistry.class);

    @Inject
    AggregatorStore store;

    @Inject
    FederationEvents events;

    /** Opens a federation; the same spec twice is a no-op, a different spec under a taken id is refused. */
    public synchronized FederationStatus create(FederationSpec spec) {
        FederationSpecValidator.validate(spec);
        String id = spec.getFederationId();
        StoredFederation existing = store.federation(id).orElse(null);
        if (existing != null) {
            if (!existing.getSpec().equals(spec)) {
                throw new FederationConflictException("federation '" + id + "' already exists with a different spec");
            }
            // A repeated create after a failed announcement is the caller's way to retry it.
            if (!existing.getAnnounced()) events.announce(existing, status(existing).getModules());
            return status(existing);
        }
        StoredFederation federation = StoredFederation.newBuilder()
                .setSpec(spec)
                .setState(FederationState.FEDERATION_STATE_OPEN)
                .setOpenedAt(AggregatorStore.rfc3339(Instant.now()))
                .build();
        store.putFederation(federation);
        events.announce(federation, 0);
        LOG.infof("federation %s opened: %d classes, image %dx%dx%d, %d samples per class", id,
                spec.getLabelNamesCount(), spec.getImageSpec().getChannels(), spec.getImageSpec().getHeight(),
                spec.getImageSpec().getWidth(), spec.getSamplesPerClass());
        return status(federation);
    }

    /** The federation's durable record. */
    public StoredFederation get(String id) {
        return store.federation(id).orElseThrow(() -> new UnknownFederationException(id));
    }

    public FederationStatus status(String id) {
        return status(get(id));
    }

    /** Stops accepting uploads; closing a closed federation is a no-op. */
    public synchronized FederationStatus close(String id, String reason) {
        StoredFederation federation = get(id);
        if (federation.getState() != FederationState.FEDERATION_STATE_OPEN) return status(federation);
        StoredFederation closed = federation.toBuilder()
                .setState(FederationState.FEDERATION_STATE_CLOSED)
                .setCloseReason(reason)
                .setClosedAt(AggregatorStore.rfc3339(Instant.now()))
                .setAnnounced(false)
                .build();
        store.putFederation(closed);
        FederationStatus status = status(closed);
        events.announce(closed, status.getModules());
        LOG.infof("federation %s closed (%s) with %d modules from %d sites", id, reason, status.getModules(),
                status.getSitesCount());
        return status;
    }

    /**
     * Runs {@code commit} while the federation is open and no other state change of any federation can
     * interleave; afterwards closes it if its close policy's expected_sites is reached.
     *
     * @throws FederationClosedException if the federation is not open (any more)
     */
    public synchronized <T> T commitWhileOpen(String id, Function<StoredFederation, T> commit) {
        StoredFederation federation = get(id);
        requireOpen(federation);
        T result = commit.apply(federation);
        int expected = federation.getSpec().getClosePolicy().getExpectedSites();
        if (expected > 0 && completeSites(id) >= expected) {
            close(id, "expected_sites");
        }
        return result;
    }

    /**
     * Sites that uploaded every module they announced (UploadHeader.site_module_count; a site that
     * announced none is complete at its first admitted module).
     */
    int completeSites(String federationId) {
        java.util.Map<String, int[]> bySite = new java.util.HashMap<>(); // site -> {admitted, announced}
        for (StoredModule m : store.modules(federationId)) {
            if (m.getRecord().getState() != ModuleState.MODULE_STATE_ADMITTED) continue;
            for (var claim : ModuleClaims.of(m)) {
                int[] counts = bySite.computeIfAbsent(claim.getSiteId(), s -> new int[2]);
                counts[0]++;
                int announced = store.upload(claim.getUploadId()).map(u -> u.getHeader().getSiteModuleCount()).orElse(0);
                counts[1] = Math.max(counts[1], announced);
            }
        }
        return (int) bySite.values().stream().filter(c -> c[0] >= c[1]).count();
    }

    /** @throws FederationClosedException naming the state and why it closed */
    public static void requireOpen(StoredFederation federation) {
        if (federation.getState() != FederationState.FEDERATION_STATE_OPEN) {
            throw new FederationClosedException("federation '" + federation.getSpec().getFederationId() + "' is "
                    + federation.getState().name().replace("FEDERATION_STATE_", "")
                    + (federation.getCloseReason().isEmpty() ? "" : " (closed: " + federation.getCloseReason() + ")")
                    + " and accepts no uploads");
        }
    }

    /** Modules of a federation, oldest admission first; deleted ones only on request. */
    public List<ModuleRecord> modules(String id, String siteId, boolean includeDeleted) {
        get(id);
        if (!siteId.isEmpty() && !FederationSpecValidator.ID.matcher(siteId).matches()) {
            throw new InvalidRequestException("site_id must be empty or match [a-z0-9-]{1,64}, got '" + siteId + "'");
        }
        return store.modules(id).stream()
                .flatMap(m -> ModuleClaims.records(m).stream())
                .filter(r -> includeDeleted || r.getState() == ModuleState.MODULE_STATE_ADMITTED)
                .filter(r -> siteId.isEmpty() || r.getManifest().getSiteId().equals(siteId))
                .sorted(Comparator.comparing((ModuleRecord r) -> Instant.parse(r.getAdmittedAt()))
                        .thenComparing(ModuleRecord::getModuleId))
                .toList();
    }

    /** Moves a closed federation through training: TRAINING, PUBLISHED or FAILED, with a detail message. */
    public synchronized void setState(String id, FederationState state, String message) {
        StoredFederation f = get(id);
        store.putFederation(f.toBuilder().setState(state).setStatusMessage(message).build());
        LOG.infof("federation %s is %s: %s", id, state.name().replace("FEDERATION_STATE_", ""), message);
    }

    /** The id of the federation's next training job, durable before it is returned (never reused after a restart). */
    public synchronized String nextJobId(String id) {
        StoredFederation f = get(id);
        long n = f.getJobsStarted() + 1;
        store.putFederation(f.toBuilder().setJobsStarted(n).build());
        return id + "-job-" + n;
    }

    /** Keeps a site's metrics of a published model and announces them. */
    public synchronized void reportSiteMetrics(SiteMetricsReport report) {
        StoredFederation f = get(report.getFederationId());
        if (!FederationSpecValidator.ID.matcher(report.getSiteId()).matches()) {
            throw new InvalidRequestException("site_id must match [a-z0-9-]{1,64}, got '" + report.getSiteId() + "'");
        }
        var version = versions.get(report.getVersion())
                .filter(v -> v.getFederationId().equals(report.getFederationId()))
                .orElseThrow(() -> new InvalidRequestException("version '" + report.getVersion()
                        + "' is not a model version of " + report.getFederationId()));
        double acc = report.getMetrics().getAccuracy();
        if (!(acc >= 0 && acc <= 1) || report.getMetrics().getExamples() < 1) {
            throw new InvalidRequestException("metrics.accuracy must be in [0, 1] and metrics.examples >= 1");
        }
        store.putFederation(f.toBuilder().putSiteMetrics(report.getSiteId(), report.getMetrics()).build());
        events.publishSiteMetrics(report);
        LOG.infof("site %s reports accuracy %.4f of %s on %d local test images", report.getSiteId(), acc,
                version.getVersion(), report.getMetrics().getExamples());
    }

    /** Re-publishes events the broker never acknowledged (a crash or an outage right after the change). */
    public synchronized int announcePending() {
        int n = 0;
        for (StoredFederation f : store.federations()) {
            if (!f.getAnnounced()) {
                events.announce(f, status(f).getModules());
                n++;
            }
        }
        return n;
    }

    private FederationStatus status(StoredFederation federation) {
        FederationSpec spec = federation.getSpec();
        int modules = 0;
        Set<String> sites = new TreeSet<>();
        Set<String> covered = new HashSet<>();
        for (StoredModule m : store.modules(spec.getFederationId())) {
            if (m.getRecord().getState() != ModuleState.MODULE_STATE_ADMITTED) continue;
            // Counted per site claim: a site's upload of bytes another site holds adds one, like any other.
            modules += ModuleClaims.of(m).size();
            ModuleClaims.of(m).forEach(c -> sites.add(c.getSiteId()));
            covered.addAll(m.getRecord().getManifest().getClassesList());
        }
        FederationStatus.Builder status = FederationStatus.newBuilder()
                .setSpec(spec)
                .setState(federation.getState())
                .setModules(modules)
                .addAllSites(sites);
        for (String label : spec.getLabelNamesList()) {
            if (!covered.contains(label)) status.addUncoveredClasses(label);
        }
        if (!federation.getStatusMessage().isEmpty()) {
            status.setMessage(federation.getStatusMessage());
        } else if (!federation.getCloseReason().isEmpty()) {
            status.setMessage("closed at " + federation.getClosedAt() + " (" + federation.getCloseReason() + ")");
        }
        versions.current(spec.getFederationId()).ifPresent(v -> status.setCurrentModelVersion(v.getVersion()));
        status.putAllSiteMetrics(federation.getSiteMetricsMap());
        return status.build();
    }
}
