package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** A federation spec broke a rule; the message names the field and the limit. Not retriable. */
public class InvalidSpecException extends Refusal {
    public InvalidSpecException(String message) {
        super(Status.Code.INVALID_ARGUMENT, "INVALID_SPEC", message);
    }
}
