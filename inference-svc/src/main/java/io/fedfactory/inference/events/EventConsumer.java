package io.fedfactory.inference.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.inference.catalog.ModelCatalog;
import io.fedfactory.inference.serving.ModelFetcher;
import io.fedfactory.inference.serving.ServedModels;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelRevoked;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Applies federation and model events from Kafka to the catalog and the serving slots. Malformed
 * records are counted and skipped. Nothing here waits for a download: publications only ask the
 * fetcher for a pass; revocations take effect here and now.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    @Inject
    ModelCatalog catalog;

    @Inject
    MeterRegistry meters;

    @Inject
    ServedModels served;

    @Inject
    ModelFetcher fetcher;

    @Incoming("events")
    public void consume(ConsumerRecord<String, byte[]> record) {
        try {
            apply(record);
        } finally {
            fetcher.eventApplied(record.topic(), record.partition(), record.offset());
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
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
                FederationSpec spec = event.getFederationOpened().getSpec();
                catalog.federationOpened(spec);
                LOG.infof("federation %s known (event %s)", spec.getFederationId(), event.getHeader().getId());
                // Its versions may have been read first (they come on another topic): they can load now.
                fetcher.reconcile(spec.getFederationId());
            }
            case MODEL_PUBLISHED -> {
                ModelVersionInfo info = event.getModelPublished().getInfo();
                catalog.modelPublished(info);
                LOG.infof("model %s published%s", info.getVersion(),
                        catalog.isRevoked(info.getVersion()) ? " (already revoked: never served)" : "");
                fetcher.reconcile(info.getFederationId());
            }
            case MODEL_REVOKED -> revoke(event);
            default -> LOG.debugf("ignoring %s", event.getHeader().getType());
        }
    }

    /**
     * Applied on the consumer thread before the next event is read: the version stops answering before
     * this method returns, whatever download is under way. The catalog records the revocation first,
     * so a load finishing concurrently sees it and discards the version.
     */
    private void revoke(Event event) {
        ModelRevoked revoked = event.getModelRevoked();
        String version = revoked.getVersion();
        catalog.modelRevoked(version, revoked.getReason());
        served.withdraw(version, revoked.getReason());
        Optional<ModelVersionInfo> info = catalog.version(version);
        String federation = info.map(ModelVersionInfo::getFederationId).orElse(event.getHeader().getFederationId());
        LOG.infof("model %s revoked (%s)", version, revoked.getReason());
        info.ifPresent(fetcher::forget);
        fetcher.reconcile(federation);
    }
}
