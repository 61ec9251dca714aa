package io.fedfactory.security;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestRateTest {

    @Test
    void burstThenRefillPerCaller() {
        AtomicLong clock = new AtomicLong();
        RequestRate rate = new RequestRate(2, 3, clock::get);
        Identity a = Identity.site("site-a");
        for (int i = 0; i < 3; i++) assertTrue(rate.tryAcquire(a), "call " + i + " within the burst");
        assertFalse(rate.tryAcquire(a), "fourth call at once exceeds the burst of 3");
        assertTrue(rate.tryAcquire(Identity.site("site-b")), "another caller has its own bucket");
        clock.addAndGet(500_000_000L); // half a second at 2/s: one call
        assertTrue(rate.tryAcquire(a));
        assertFalse(rate.tryAcquire(a));
        clock.addAndGet(60_000_000_000L); // a long pause refills only up to the burst
        for (int i = 0; i < 3; i++) assertTrue(rate.tryAcquire(a));
        assertFalse(rate.tryAcquire(a));
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new RequestRate(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RequestRate(1, 0));
    }
}
