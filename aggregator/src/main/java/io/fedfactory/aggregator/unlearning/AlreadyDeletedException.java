package io.fedfactory.aggregator.unlearning;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** A deletion names a module that was already deleted (gRPC FAILED_PRECONDITION). */
public class AlreadyDeletedException extends Refusal {
    public AlreadyDeletedException(String message) {
        super(Status.Code.FAILED_PRECONDITION, "MODULE_ALREADY_DELETED", message);
    }
}
