package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** A federation id is taken by a different spec. */
public class FederationConflictException extends Refusal {
    public FederationConflictException(String message) {
        super(Status.Code.ALREADY_EXISTS, "FEDERATION_EXISTS", message);
    }
}
