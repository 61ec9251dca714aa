package io.fedfactory.aggregator.unlearning;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** A deletion names a module or site that does not exist in the federation (gRPC NOT_FOUND). */
public class UnknownModuleException extends Refusal {
    public UnknownModuleException(String message) {
        super(Status.Code.NOT_FOUND, "UNKNOWN_MODULE", message);
    }

    /** Something else the request names is unknown (a certificate): {@code reason} says what. */
    public UnknownModuleException(String reason, String message) {
        super(Status.Code.NOT_FOUND, reason, message);
    }
}
