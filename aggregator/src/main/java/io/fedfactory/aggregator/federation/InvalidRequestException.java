package io.fedfactory.aggregator.federation;

/** A request field broke a rule; the message names the field and the limit. Not retriable. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
