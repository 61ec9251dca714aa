package io.fedfactory.client.site;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.ModelVersionInfo;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows model events so the site knows when a global model it can download and evaluate on its
 * local test data is published, and when one is revoked.
 */
@ApplicationScoped
public class PublishedModels {

    private static final Logger LOG = Logger.getLogger(PublishedModels.class);

    private final Map<String, ModelVersionInfo> latestByFederation = new ConcurrentHashMap<>();

    @Incoming("models")
    public void consume(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) return;
        try {
            Event event = Event.parseFrom(record.value());
            switch (event.getPayloadCase()) {
                case MODEL_PUBLISHED -> {
                    ModelVersionInfo info = event.getModelPublished().getInfo();
                    latestByFederation.put(info.getFederationId(), info);
                    LOG.infof("model %s published for federation %s", info.getVersion(), info.getFederationId());
                }
                case MODEL_REVOKED -> latestByFederation.values()
                        .removeIf(v -> v.getVersion().equals(event.getModelRevoked().getVersion()));
                default -> { }
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("skipping malformed model event at offset %d: %s", record.offset(), e.getMessage());
        }
    }

    public Optional<ModelVersionInfo> latest(String federationId) {
        return Optional.ofNullable(latestByFederation.get(federationId));
    }
}
