package io.fedfactory.aggregator.federation;

/** A federation id is taken by a different spec. */
public class FederationConflictException extends RuntimeException {
    public FederationConflictException(String message) {
        super(message);
    }
}
