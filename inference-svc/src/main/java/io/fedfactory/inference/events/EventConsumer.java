package io.fedfactory.inference.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.inference.catalog.ModelCatalog;
import io.fedfactory.proto.v1.Event;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Applies federation and model events from Kafka to the catalog. Malformed records are counted and skipped. */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    @Inject
    ModelCatalog catalog;

    @Inject
    MeterRegistry meters;

    @Incoming("events")
    public void consume(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone: nothing to apply here
        }
        Event event;
        try {
            event = Event.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            meters.counter("fedfactory_events_malformed_total", "topic", record.topic()).increment();
            LOG.warnf("skipping malformed event at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        meters.counter("fedfactory_events_consumed_total", "type", event.getHeader().getType()).increment();
        switch (event.getPayloadCase()) {
            case FEDERATION_OPENED -> {
                catalog.federationOpened(event.getFederationOpened().getSpec());
                LOG.infof("federation %s known (event %s)", event.getHeader().getFederationId(), event.getHeader().getId());
            }
            case MODEL_PUBLISHED -> catalog.modelPublished(event.getModelPublished().getInfo());
            case MODEL_REVOKED -> catalog.modelRevoked(event.getModelRevoked().getVersion());
            default -> LOG.debugf("ignoring %s", event.getHeader().getType());
        }
    }
}
