package io.fedfactory.aggregator.store;

/** The store found something it cannot read or refuses a request that would corrupt it. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
