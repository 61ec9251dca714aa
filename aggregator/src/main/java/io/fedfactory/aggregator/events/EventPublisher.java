package io.fedfactory.aggregator.events;

import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.EventHeader;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes events to Kafka and waits for the broker's acknowledgement. Callers publish only after the
 * state an event announces is durable, so a crash between the two re-announces rather than loses.
 *
 * <p>A separate application-scoped bean, not an emitter inside a gRPC service: Quarkus fails to wire
 * an emitter injected straight into a {@code @GrpcService}.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    @Inject
    @Channel("events")
    Emitter<byte[]> emitter;

    @ConfigProperty(name = "fedfactory.events.source", defaultValue = "/aggregator")
    String source;

    @ConfigProperty(name = "fedfactory.events.ack-timeout", defaultValue = "PT30S")
    Duration ackTimeout;

    /**
     * Wraps {@code payload} in an envelope with a fresh header and publishes it.
     *
     * @param topic        one of {@link Topics}
     * @param key          per-entity key (federation id, module id, model version)
     * @param type         event type, for example {@code io.fedfactory.federation.opened}
     * @param federationId the federation the event belongs to
     * @param payload      the envelope with its payload set and no header yet
     * @return the published envelope
     */
    public Event publish(String topic, String key, String type, String federationId, Event.Builder payload) {
        EventHeader header = EventHeader.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setType(type)
                .setSource(source)
                .setTime(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
                .setFederationId(federationId)
                .build();
        Event event = payload.setHeader(header).build();
        send(topic, key, header, event.toByteArray());
        return event;
    }

    /** Publishes a tombstone (null value) for {@code key} on a compacted topic. */
    public void tombstone(String topic, String key) {
        send(topic, key, null, null);
    }

    private void send(String topic, String key, EventHeader header, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        if (header != null) {
            headers.add("ce_specversion", utf8("1.0"));
            headers.add("ce_id", utf8(header.getId()));
            headers.add("ce_type", utf8(header.getType()));
            headers.add("ce_source", utf8(header.getSource()));
            headers.add("ce_time", utf8(header.getTime()));
            headers.add("content-type", utf8("application/protobuf; proto=fedfactory.v1.Event"));
            headers.add("fedfactory_federation", utf8(header.getFederationId()));
        }
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic).withKey(key).withHeaders(headers).build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> message = Message.of(value, Metadata.of(meta),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        try {
            acked.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new EventPublishException("event to " + topic + " (key " + key + ") was not acknowledged within "
                    + ackTimeout.toSeconds() + " s", e);
        }
        LOG.debugf("published %s to %s key=%s", header == null ? "tombstone" : header.getType(), topic, key);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
