package io.fedfactory.inference;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls a condition that an event or a download makes true some time later. */
public final class Waiting {

    private Waiting() {}

    public static void until(Duration limit, BooleanSupplier condition, Supplier<String> whatFailed) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        if (!condition.getAsBoolean()) fail("not within " + limit.toSeconds() + " s: " + whatFailed.get());
    }
}
