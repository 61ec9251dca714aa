package io.fedfactory.inference.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket per caller: {@code perSecond} requests per second, with bursts of up to one second's
 * worth. Zero or less means unlimited.
 */
final class RequestRate {

    private final double perSecond;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RequestRate(double perSecond) {
        this.perSecond = perSecond;
    }

    boolean tryAcquire(String caller) {
        if (perSecond <= 0) return true;
        return buckets.computeIfAbsent(caller, c -> new Bucket(perSecond, System.nanoTime())).take(perSecond);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(double perSecond) {
            long now = System.nanoTime();
            tokens = Math.min(Math.max(perSecond, 1), tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }
}
