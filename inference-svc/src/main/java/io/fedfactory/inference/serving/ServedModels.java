package io.fedfactory.inference.serving;

import io.fedfactory.inference.catalog.ModelCatalog;
import io.fedfactory.inference.catalog.VersionOrder;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One serving slot per federation. Requests read a slot without locking; swaps and revocations
 * change it under one lock, so a revocation can never be undone by a load that checked the version
 * just before it was revoked: either the load sees the revocation and discards its model, or the
 * revocation sees the loaded model and withdraws it.
 */
@ApplicationScoped
public class ServedModels {

    private static final Logger LOG = Logger.getLogger(ServedModels.class);

    private final Map<String, AtomicReference<ServingState>> slots = new ConcurrentHashMap<>();
    private final Object changes = new Object();

    @Inject
    ModelCatalog catalog;

    @Inject
    MeterRegistry meters;

    /** The slot of a federation, if anything was ever served there. */
    public Optional<ServingState> state(String federationId) {
        AtomicReference<ServingState> slot = slots.get(federationId);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.get());
    }

    /** Federations with a slot (serving or withdrawn), sorted. */
    public Set<String> federations() {
        return new TreeSet<>(slots.keySet());
    }

    /** The newest version this federation served (or had withdrawn); only newer ones may replace it. */
    public Optional<ModelVersionInfo> floor(String federationId) {
        return state(federationId).map(ServingState::version);
    }

    /**
     * Puts a freshly loaded model in its federation's slot, unless it was revoked meanwhile or a
     * version at least as new got there first; the model is then retired instead. The previous model
     * is retired: it closes once its last in-flight request answers.
     *
     * @return whether the model now serves
     */
    public boolean swapIn(ServedModel model) {
        String federation = model.federationId();
        ServingState previous;
        synchronized (changes) {
            if (catalog.isRevoked(model.version())) {
                LOG.warnf("%s was revoked while it loaded; not serving it", model.version());
                model.retire();
                return false;
            }
            AtomicReference<ServingState> slot = slots.computeIfAbsent(federation, f -> new AtomicReference<>());
            previous = slot.get();
            if (previous != null && !VersionOrder.newer(model.info(), previous.version())) {
                LOG.infof("%s loaded but %s is not older; discarding it", model.version(), previous.version().getVersion());
                model.retire();
                return false;
            }
            slot.set(new ServingState.Serving(model));
        }
        if (previous instanceof ServingState.Serving old) {
            old.model().retire();
        }
        meters.counter("fedfactory_model_swaps_total", "federation", federation).increment();
        LOG.infof("federation %s now serves %s (was %s)", federation, model.version(),
                previous == null ? "nothing" : previous.version().getVersion()
                        + (previous instanceof ServingState.Withdrawn ? ", revoked" : ""));
        return true;
    }

    /**
     * Stops serving {@code version} at once if some slot serves it. Requests already running finish
     * on it; new ones are refused, naming the version, until a newer one is swapped in. The catalog
     * must already record the revocation (so that a load racing with this call discards it).
     */
    public boolean withdraw(String version, String reason) {
        ServedModel withdrawn = null;
        synchronized (changes) {
            for (AtomicReference<ServingState> slot : slots.values()) {
                if (slot.get() instanceof ServingState.Serving s && s.model().version().equals(version)) {
                    slot.set(new ServingState.Withdrawn(s.model().info(), reason));
                    withdrawn = s.model();
                    break;
                }
            }
        }
        if (withdrawn == null) {
            return false;
        }
        withdrawn.retire();
        meters.counter("fedfactory_model_withdrawals_total", "federation", withdrawn.federationId()).increment();
        LOG.warnf("stopped serving revoked version %s of federation %s (%s); requests are refused until a newer "
                + "version is loaded", version, withdrawn.federationId(), reason == null || reason.isEmpty() ? "no reason given" : reason);
        return true;
    }

    /** Retires every served model (shutdown). */
    public void retireAll() {
        synchronized (changes) {
            for (AtomicReference<ServingState> slot : slots.values()) {
                if (slot.getAndSet(null) instanceof ServingState.Serving s) s.model().retire();
            }
            slots.clear();
        }
    }
}
