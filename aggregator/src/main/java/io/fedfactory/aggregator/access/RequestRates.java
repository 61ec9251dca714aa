package io.fedfactory.aggregator.access;

import io.fedfactory.security.Identity;
import io.fedfactory.security.RequestRate;
import io.grpc.Status;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


/**
 * A token bucket per identity: {@code burst} calls at once, refilled at {@code requests-per-second}.
 * Keyed by the certificate's identity, so a site cannot spread its calls over several connections.
 */
@ApplicationScoped
public class RequestRates {

    @Inject
    RequestLimits limits;

    private RequestRate rate;

    @PostConstruct
    void check() {
        if (!(limits.requestsPerSecond() > 0) || limits.burst() < 1) {
            throw new IllegalStateException("fedfactory.limits.requests-per-second must be > 0 and fedfactory.limits.burst >= 1, got "
                    + limits.requestsPerSecond() + " and " + limits.burst());
        }
        rate = new RequestRate(limits.requestsPerSecond(), limits.burst());
    }

    /** @throws AccessDeniedException RESOURCE_EXHAUSTED naming the limit when the identity's bucket is empty */
    public void take(Identity who) {
        if (!rate.tryAcquire(who)) {
            throw (AccessDeniedException) new AccessDeniedException(Status.Code.RESOURCE_EXHAUSTED, "REQUEST_RATE",
                    who + " exceeded the request rate fedfactory.limits.requests-per-second=" + limits.requestsPerSecond()
                    + " (fedfactory.limits.burst=" + limits.burst() + "); retry later")
                    .with(io.fedfactory.proto.errors.TypedErrors.LIMIT, "fedfactory.limits.requests-per-second="
                            + limits.requestsPerSecond() + ",fedfactory.limits.burst=" + limits.burst());
        }
    }
}
