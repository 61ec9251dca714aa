package io.fedfactory.aggregator.unlearning;

/** A deletion names a module that was already deleted (gRPC FAILED_PRECONDITION). */
public class AlreadyDeletedException extends RuntimeException {
    public AlreadyDeletedException(String message) {
        super(message);
    }
}
