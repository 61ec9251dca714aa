package io.fedfactory.fuzz;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fuzzer's own promises: every case runs, a failure names its case, and "no hang" is a bound on each case. */
class BoundaryFuzzTest {

    private static final byte[][] VALID = {"a valid input".getBytes()};

    @Test
    void everyCaseRunsAndACaseReplaysTheSameInput() {
        List<byte[]> first = new ArrayList<>();
        List<byte[]> second = new ArrayList<>();
        assertEquals(50, BoundaryFuzz.of(7, 50).run("b", VALID, (i, input) -> first.add(input)));
        BoundaryFuzz.of(7, 50).run("b", VALID, (i, input) -> second.add(input));
        assertEquals(50, first.size());
        for (int i = 0; i < first.size(); i++) assertArrayEquals(first.get(i), second.get(i), "case " + i);
    }

    @Test
    void aFailureNamesTheBoundaryTheSeedAndTheCase() {
        AssertionError e = assertThrows(AssertionError.class, () -> BoundaryFuzz.of(7, 50).run("b", VALID, (i, input) -> {
            if (i == 12) throw new IllegalStateException("an unnamed refusal");
        }));
        assertTrue(e.getMessage().startsWith("b: case 12 of seed 7 ("), e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    }

    @Test
    void aCaseThatNeverEndsIsAHangNamedByItsCase() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class, () -> BoundaryFuzz.of(7, 50).within(Duration.ofSeconds(2))
                .run("b", VALID, (i, input) -> {
                    ran.incrementAndGet();
                    if (i == 3) {
                        try {
                            never.await();
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
        assertTrue(e.getMessage().startsWith("b: case 3 of seed 7 ("), e.getMessage());
        assertTrue(e.getMessage().contains("no result within 2000 ms (a hang)"), e.getMessage());
        assertEquals(4, ran.get(), "the run stops at the hang");
    }
}
