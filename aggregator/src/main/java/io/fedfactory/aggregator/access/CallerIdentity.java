package io.fedfactory.aggregator.access;

import io.fedfactory.security.Identity;
import io.grpc.Context;

/** The verified identity of the caller of the current gRPC call, set by {@link AccessInterceptor}. */
public final class CallerIdentity {

    static final Context.Key<Identity> KEY = Context.key("fedfactory-caller");

    private CallerIdentity() {
    }

    /** The caller; null only when TLS is off (no identities then). */
    public static Identity current() {
        return KEY.get();
    }

    /** How audit records and logs name the caller. */
    public static String describe(Identity identity) {
        return identity == null ? "anonymous (plaintext)" : identity.toString();
    }
}
