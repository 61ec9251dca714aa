package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.events.ModuleEvents;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.aggregator.store.RecordKinds;
import io.fedfactory.proto.v1.ModuleState;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * After a start, publishes the events whose state became durable but whose publication the broker
 * never acknowledged (the process stopped, or the broker was away, in between). Runs in the
 * background: an unreachable broker must not keep the service from starting.
 */
@ApplicationScoped
public class PendingAnnouncements {

    private static final Logger LOG = Logger.getLogger(PendingAnnouncements.class);

    @Inject
    FederationRegistry registry;

    @Inject
    ModuleEvents moduleEvents;

    @Inject
    AggregatorStore store;

    void onStart(@Observes StartupEvent start) {
        Thread t = new Thread(this::announce, "pending-announcements");
        t.setDaemon(true);
        t.start();
    }

    void announce() {
        try {
            int federations = registry.announcePending();
            int modules = 0;
            for (StoredModule m : store.records().list(RecordKinds.MODULES, StoredModule.parser())) {
                if (m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED && !m.getAnnounced()) {
                    moduleEvents.admitted(m);
                    modules++;
                }
            }
            if (federations + modules > 0) {
                LOG.infof("announced %d federation and %d module events left pending before the start", federations, modules);
            }
        } catch (RuntimeException e) {
            LOG.warnf("pending events stay pending until the next start or retry: %s", e.getMessage());
        }
    }
}
