package io.fedfactory.aggregator.federation;

/** A federation spec broke a rule; the message names the field and the limit. Not retriable. */
public class InvalidSpecException extends RuntimeException {
    public InvalidSpecException(String message) {
        super(message);
    }
}
