package io.fedfactory.aggregator.federation;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

/** No federation has this id. */
public class UnknownFederationException extends Refusal {
    public UnknownFederationException(String id) {
        super(Status.Code.NOT_FOUND, "UNKNOWN_FEDERATION", "no federation with federation_id '" + id + "'");
        with(io.fedfactory.proto.errors.TypedErrors.FIELD, "federation_id").with(io.fedfactory.proto.errors.TypedErrors.VALUE, id);
    }
}
