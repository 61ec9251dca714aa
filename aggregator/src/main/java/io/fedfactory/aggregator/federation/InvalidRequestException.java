package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** A request field broke a rule; the message names the field and the limit. Not retriable. */
public class InvalidRequestException extends Refusal {
    public InvalidRequestException(String message) {
        super(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", message);
    }
}
