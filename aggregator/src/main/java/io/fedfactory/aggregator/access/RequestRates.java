package io.fedfactory.aggregator.access;

import io.fedfactory.security.Identity;
import io.grpc.Status;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per identity: {@code burst} calls at once, refilled at {@code requests-per-second}.
 * Keyed by the certificate's identity, so a site cannot spread its calls over several connections.
 */
@ApplicationScoped
public class RequestRates {

    @Inject
    RequestLimits limits;

    private final ConcurrentHashMap<Identity, Bucket> buckets = new ConcurrentHashMap<>();

    @PostConstruct
    void check() {
        if (!(limits.requestsPerSecond() > 0) || limits.burst() < 1) {
            throw new IllegalStateException("fedfactory.limits.requests-per-second must be > 0 and fedfactory.limits.burst >= 1, got "
                    + limits.requestsPerSecond() + " and " + limits.burst());
        }
    }

    /** @throws AccessDeniedException RESOURCE_EXHAUSTED naming the limit when the identity's bucket is empty */
    public void take(Identity who) {
        Bucket b = buckets.computeIfAbsent(who, k -> new Bucket(limits.burst(), System.nanoTime()));
        if (!b.take(limits.requestsPerSecond(), limits.burst(), System.nanoTime())) {
            throw new AccessDeniedException(Status.Code.RESOURCE_EXHAUSTED, who + " exceeded the request rate "
                    + "fedfactory.limits.requests-per-second=" + limits.requestsPerSecond()
                    + " (fedfactory.limits.burst=" + limits.burst() + "); retry later");
        }
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(double perSecond, int burst, long now) {
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }
}
