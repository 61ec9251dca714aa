package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** The federation accepts no uploads (closed, training or published). Not retriable. */
public class FederationClosedException extends Refusal {
    public FederationClosedException(String message) {
        super(Status.Code.FAILED_PRECONDITION, "FEDERATION_NOT_OPEN", message);
    }
}
