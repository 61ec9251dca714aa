package io.fedfactory.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per caller: at most {@code burst} calls at once, refilled at {@code perSecond}. Keyed by
 * the caller's certificate identity, so a caller cannot spread its calls over several connections.
 */
public final class RequestRate {

    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Identity, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perSecond sustained calls per second per caller, greater than 0
     * @param burst     calls a caller may make at once, at least 1
     */
    public RequestRate(double perSecond, int burst) {
        this(perSecond, burst, System::nanoTime);
    }

    RequestRate(double perSecond, int burst, LongSupplier nanoClock) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("request rate needs perSecond > 0 and burst >= 1, got "
                    + perSecond + " and " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    public double perSecond() {
        return perSecond;
    }

    public int burst() {
        return burst;
    }

    /** Takes one call from {@code caller}'s bucket; false when it is empty (the call should be refused). */
    public boolean tryAcquire(Identity caller) {
        long now = nanoClock.getAsLong();
        return buckets.computeIfAbsent(caller, c -> new Bucket(burst, now)).take(perSecond, burst, now);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(double perSecond, int burst, long now) {
            tokens = Math.min(burst, tokens + Math.max(0, now - last) / 1e9 * perSecond);
            last = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }
}
