package io.fedfactory.console.events;

import io.fedfactory.contracts.EventSummary;
import io.fedfactory.proto.v1.Event;

/**
 * One event as the console received it from Kafka: the event, the record's timestamp (when the
 * aggregator handed it to the broker) and the line {@code fedfactory-admin events} prints for it.
 */
public record FeedEvent(Event event, long kafkaTimestampMillis, String line) {

    public static FeedEvent of(Event e, long kafkaTimestampMillis) {
        return new FeedEvent(e, kafkaTimestampMillis, EventSummary.of(e));
    }

    public String federationId() {
        return event.getHeader().getFederationId();
    }

    public String type() {
        return event.getPayloadCase().name().toLowerCase(java.util.Locale.ROOT);
    }
}
