package io.fedfactory.inference.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestRateTest {

    @Test
    void eachCallerGetsItsOwnBudgetPerSecond() {
        RequestRate rate = new RequestRate(5);
        for (int i = 0; i < 5; i++) assertTrue(rate.tryAcquire("application:a"), "request " + i);
        assertFalse(rate.tryAcquire("application:a"), "the sixth request within the second");
        assertTrue(rate.tryAcquire("application:b"), "another caller has its own bucket");
    }

    @Test
    void zeroMeansUnlimited() {
        RequestRate rate = new RequestRate(0);
        for (int i = 0; i < 10_000; i++) assertTrue(rate.tryAcquire("application:a"));
    }
}
