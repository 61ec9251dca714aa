package io.fedfactory.aggregator.unlearning;

/** A deletion names a module or site that does not exist in the federation (gRPC NOT_FOUND). */
public class UnknownModuleException extends RuntimeException {
    public UnknownModuleException(String message) {
        super(message);
    }
}
