package io.fedfactory.aggregator.federation;

/** The federation accepts no uploads (closed, training or published). Not retriable. */
public class FederationClosedException extends RuntimeException {
    public FederationClosedException(String message) {
        super(message);
    }
}
