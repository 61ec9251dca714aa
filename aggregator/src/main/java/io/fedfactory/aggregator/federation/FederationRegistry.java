package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.events.EventPublisher;
import io.fedfactory.aggregator.events.Topics;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationClosed;
import io.fedfactory.proto.v1.FederationOpened;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The federations this aggregator runs: creation, closing, status. */
@ApplicationScoped
public class FederationRegistry {

    private static final Logger LOG = Logger.getLogger(FederationRegistry.class);

    private final Map<String, FederationStatus> federations = new ConcurrentHashMap<>();

    @Inject
    EventPublisher events;

    /** Opens a federation; the same spec twice is a no-op, a different spec under a taken id is refused. */
    public FederationStatus create(FederationSpec spec) {
        FederationSpecValidator.validate(spec);
        String id = spec.getFederationId();
        synchronized (this) {
            FederationStatus existing = federations.get(id);
            if (existing != null) {
                if (existing.getSpec().equals(spec)) return existing;
                throw new FederationConflictException("federation '" + id + "' already exists with a different spec");
            }
            FederationStatus status = FederationStatus.newBuilder()
                    .setSpec(spec)
                    .setState(FederationState.FEDERATION_STATE_OPEN)
                    .addAllUncoveredClasses(spec.getLabelNamesList())
                    .build();
            federations.put(id, status);
            events.publish(Topics.FEDERATIONS, id, "io.fedfactory.federation.opened", id,
                    Event.newBuilder().setFederationOpened(FederationOpened.newBuilder().setSpec(spec)));
            LOG.infof("federation %s opened: %d classes, image %dx%dx%d, %d samples per class", id,
                    spec.getLabelNamesCount(), spec.getImageSpec().getChannels(), spec.getImageSpec().getHeight(),
                    spec.getImageSpec().getWidth(), spec.getSamplesPerClass());
            return status;
        }
    }

    public FederationStatus status(String id) {
        FederationStatus status = federations.get(id);
        if (status == null) throw new UnknownFederationException(id);
        return status;
    }

    /** Stops accepting uploads; closing a closed federation is a no-op. */
    public synchronized FederationStatus close(String id, String reason) {
        FederationStatus status = status(id);
        if (status.getState() != FederationState.FEDERATION_STATE_OPEN) return status;
        FederationStatus closed = status.toBuilder().setState(FederationState.FEDERATION_STATE_CLOSED).build();
        federations.put(id, closed);
        events.publish(Topics.FEDERATIONS, id, "io.fedfactory.federation.closed", id, Event.newBuilder()
                .setFederationClosed(FederationClosed.newBuilder().setReason(reason).setModules(closed.getModules())));
        LOG.infof("federation %s closed (%s)", id, reason);
        return closed;
    }
}
