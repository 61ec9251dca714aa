package io.fedfactory.aggregator.events;

/** The broker did not acknowledge an event in time; retriable (the state it announces is already durable). */
public class EventPublishException extends RuntimeException {
    public EventPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
