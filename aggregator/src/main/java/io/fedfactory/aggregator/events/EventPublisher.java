package io.fedfactory.aggregator.events;

import io.fedfactory.contracts.Topics;
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
 * Publishes events to Kafka and waits for the broker's acknowledgement (progress events excepted: they
 * are advisory and never wait). Callers publish only after the state an event announces is durable, so
 * a crash between the two re-announces rather than loses.
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

    /** CloudEvents source; unset: "/aggregator/&lt;host name&gt;", as events.proto says. */
    @ConfigProperty(name = "fedfactory.events.source")
    java.util.Optional<String> configuredSource;

    private volatile String source;

    @ConfigProperty(name = "fedfactory.events.ack-timeout", defaultValue = "PT30S")
    Duration ackTimeout;

    @ConfigProperty(name = "fedfactory.events.publication-ack-timeout", defaultValue = "PT10M")
    Duration publicationAckTimeout;

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
        Event event = envelope(type, federationId, payload);
        send(topic, key, event.getHeader(), event.toByteArray()).join(ackTimeout, topic, key);
        return event;
    }

    /**
     * As {@link #publish}, for an event no caller is there to retry (a training job's ModelPublished):
     * waits up to {@code fedfactory.events.publication-ack-timeout} and sends the same event (same id)
     * again after each refusal, so a broker down for a while delays the announcement instead of failing
     * the job whose version is already durable.
     */
    public Event publishPatiently(String topic, String key, String type, String federationId, Event.Builder payload) {
        Event event = envelope(type, federationId, payload);
        long deadline = System.nanoTime() + publicationAckTimeout.toNanos();
        long backoffMs = 500;
        for (int attempt = 1; ; attempt++) {
            Sent sent = send(topic, key, event.getHeader(), event.toByteArray());
            long left = deadline - System.nanoTime();
            try {
                sent.acked.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
                if (attempt > 1) LOG.infof("event to %s (key %s) acknowledged at attempt %d", topic, key, attempt);
                return event;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EventPublishException("interrupted waiting for the acknowledgement of an event to " + topic, e);
            } catch (java.util.concurrent.ExecutionException refused) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) > deadline) {
                    throw new EventPublishException("event to " + topic + " (key " + key + ") was not acknowledged within "
                            + publicationAckTimeout.toSeconds() + " s (" + attempt + " attempts)", refused.getCause());
                }
                LOG.warnf("event to %s (key %s) refused at attempt %d (%s); sending it again in %d ms", topic, key, attempt,
                        refused.getCause() == null ? "?" : refused.getCause().getMessage(), backoffMs);
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 10_000);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new EventPublishException("event to " + topic + " (key " + key + ") was not acknowledged within "
                        + publicationAckTimeout.toSeconds() + " s", e);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventPublishException("interrupted before sending an event again", e);
        }
    }

    /**
     * Publishes a progress event without waiting for the broker: progress is advisory, so it never
     * holds up the synthesis or training it reports on, and a failure to send it is logged, never
     * thrown (the job goes on).
     */
    public void publishProgress(String key, String type, String federationId, Event.Builder payload) {
        Event event = envelope(type, federationId, payload);
        try {
            send(Topics.PROGRESS, key, event.getHeader(), event.toByteArray()).acked.whenComplete((ok, failure) -> {
                if (failure != null) LOG.warnf("progress event %s (key %s) was not sent: %s", type, key, failure.getMessage());
            });
        } catch (RuntimeException e) {
            LOG.warnf("progress event %s (key %s) was not sent: %s", type, key, e.getMessage());
        }
    }

    private Event envelope(String type, String federationId, Event.Builder payload) {
        String source = source();
        EventHeader header = EventHeader.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setType(type)
                .setSource(source)
                .setTime(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
                .setFederationId(federationId)
                .build();
        return payload.setHeader(header).build();
    }

    /** Publishes a tombstone (null value) for {@code key} on a compacted topic. */
    public void tombstone(String topic, String key) {
        send(topic, key, null, null).join(ackTimeout, topic, key);
    }

    /** A message handed to the emitter, completed when the broker acknowledges it. */
    record Sent(CompletableFuture<Void> acked, String type) {
        void join(Duration timeout, String topic, String key) {
            try {
                acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EventPublishException("interrupted waiting for the acknowledgement of an event to " + topic, e);
            } catch (Exception e) {
                throw new EventPublishException("event to " + topic + " (key " + key + ") was not acknowledged within "
                        + timeout.toSeconds() + " s", e);
            }
            LOG.debugf("published %s to %s key=%s", type, topic, key);
        }
    }

    private Sent send(String topic, String key, EventHeader header, byte[] value) {
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
        return new Sent(acked, header == null ? "tombstone" : header.getType());
    }

    /** The source attribute every event of this instance carries. */
    public String source() {
        String s = source;
        if (s == null) {
            s = configuredSource.filter(v -> !v.isBlank()).orElseGet(() -> "/aggregator/" + hostName());
            source = s;
        }
        return s;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
