package io.fedfactory.aggregator.federation;

/** No federation has this id. */
public class UnknownFederationException extends RuntimeException {
    public UnknownFederationException(String id) {
        super("no federation with federation_id '" + id + "'");
    }
}
