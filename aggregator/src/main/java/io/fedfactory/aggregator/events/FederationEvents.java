package io.fedfactory.aggregator.events;

import io.fedfactory.contracts.Topics;
import io.fedfactory.contracts.EventTypes;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationClosed;
import io.fedfactory.proto.v1.FederationOpened;
import io.fedfactory.proto.v1.FederationState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Announces a federation's durable state (opened or closed), then records that the broker acknowledged it. */
@ApplicationScoped
public class FederationEvents {

    @Inject
    EventPublisher events;

    @Inject
    AggregatorStore store;

    /**
     * Publishes the event for the federation's current state; {@code modules} is the count of admitted
     * modules a FederationClosed reports.
     */
    public void announce(StoredFederation federation, int modules) {
        String id = federation.getSpec().getFederationId();
        if (federation.getState() == FederationState.FEDERATION_STATE_OPEN) {
            events.publish(Topics.FEDERATIONS, id, EventTypes.FEDERATION_OPENED, id,
                    Event.newBuilder().setFederationOpened(FederationOpened.newBuilder().setSpec(federation.getSpec())));
        } else {
            events.publish(Topics.FEDERATIONS, id, EventTypes.FEDERATION_CLOSED, id, Event.newBuilder().setFederationClosed(
                    FederationClosed.newBuilder().setReason(federation.getCloseReason()).setModules(modules)));
        }
        store.markFederationAnnounced(id, federation.getState());
    }

    /** Announces a site's metrics of a published model (the data stayed at the site). */
    public void publishSiteMetrics(io.fedfactory.proto.v1.SiteMetricsReport report) {
        events.publish(Topics.FEDERATIONS, report.getFederationId(), EventTypes.SITE_METRICS, report.getFederationId(),
                Event.newBuilder().setSiteMetricsReported(io.fedfactory.proto.v1.SiteMetricsReported.newBuilder().setReport(report)));
    }
}
