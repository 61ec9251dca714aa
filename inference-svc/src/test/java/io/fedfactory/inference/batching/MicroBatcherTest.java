package io.fedfactory.inference.batching;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroBatcherTest {

    /** Row i = {sum of image i, position of image i in its batch, batch size}: enough to spot a mix-up. */
    static float[][] describe(float[] pixels, int n) {
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int j = 0; j < 4; j++) sum += pixels[i * 4 + j];
            rows[i] = new float[] {sum, i, n};
        }
        return rows;
    }

    @Test
    void concurrentImagesShareBatchesAndEachCallerGetsItsOwnRow() throws Exception {
        Queue<Integer> sizes = new ConcurrentLinkedQueue<>();
        CountDownLatch allQueued = new CountDownLatch(200);
        // The first call waits until every image is queued, so the rest must share calls, whatever the timing.
        BatchRunner held = (pixels, n) -> {
            allQueued.await();
            return describe(pixels, n);
        };
        try (MicroBatcher batcher = new MicroBatcher("t", held, 4, 8, Duration.ofMillis(20), 1, 1024, sizes::add)) {
            ExecutorService callers = Executors.newFixedThreadPool(16);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CompletableFuture<float[]>>> submitted = new ArrayList<>();
            List<float[]> images = new ArrayList<>();
            for (int c = 0; c < 200; c++) {
                float[] image = {c, c * 1000, 0.5f, -c};
                images.add(image);
                submitted.add(callers.submit(() -> {
                    start.await();
                    CompletableFuture<float[]> row = batcher.submit(image);
                    allQueued.countDown();
                    return row;
                }));
            }
            start.countDown();
            for (int c = 0; c < 200; c++) {
                float[] image = images.get(c);
                float[] row = submitted.get(c).get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
                assertEquals(image[0] + image[1] + image[2] + image[3], row[0], "row of image " + c);
            }
            callers.shutdown();
        }
        assertEquals(200, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(sizes.stream().allMatch(s -> s >= 1 && s <= 8), "batches within max-batch: " + sizes);
        // The first call took at least one image; the other (at most 199) were all waiting: full calls of 8.
        assertTrue(sizes.size() <= 1 + 25, "images shared calls: " + sizes.size() + " calls " + sizes);
    }

    @Test
    void anImageWaitsForCompanyUntilTheBatchIsFull() throws Exception {
        Queue<Integer> sizes = new ConcurrentLinkedQueue<>();
        try (MicroBatcher batcher = new MicroBatcher("t", MicroBatcherTest::describe, 4, 2, Duration.ofHours(1),
                1, 16, sizes::add)) {
            CompletableFuture<float[]> first = batcher.submit(new float[] {1, 2, 3, 4});
            CompletableFuture<float[]> second = batcher.submit(new float[] {5, 6, 7, 8});
            assertEquals(2f, first.get(30, TimeUnit.SECONDS)[2], "ran together");
            assertEquals(26f, second.get(30, TimeUnit.SECONDS)[0]);
        }
        assertEquals(List.of(2), List.copyOf(sizes));
    }

    @Test
    void aLoneImageRunsAloneOnceMaxWaitHasPassed() throws Exception {
        try (MicroBatcher batcher = new MicroBatcher("t", MicroBatcherTest::describe, 4, 64, Duration.ofMillis(50),
                1, 16, n -> { })) {
            // With no company it cannot wait for a full batch; the timeout only guards against a hang.
            float[] row = batcher.submit(new float[] {1, 2, 3, 4}).get(30, TimeUnit.SECONDS);
            assertEquals(10f, row[0]);
            assertEquals(1f, row[2], "ran alone");
        }
    }

    @Test
    void aFailingModelCallFailsEveryImageOfItsBatchAndAFullQueueRefuses() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        BatchRunner stuck = (pixels, n) -> {
            entered.countDown();
            hold.await();
            throw new IllegalStateException("model exploded");
        };
        MicroBatcher batcher = new MicroBatcher("t", stuck, 4, 2, Duration.ZERO, 1, 2, n -> { });
        CompletableFuture<float[]> first = batcher.submit(new float[4]);
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the worker took the first image"); // now inside the stuck call
        CompletableFuture<float[]> second = batcher.submit(new float[4]);
        CompletableFuture<float[]> third = batcher.submit(new float[4]);
        assertThrows(QueueFullException.class, () -> batcher.submit(new float[4]));
        assertThrows(IllegalArgumentException.class, () -> batcher.submit(new float[3]));
        hold.countDown();
        for (CompletableFuture<float[]> f : List.of(first, second, third)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertEquals("model exploded", e.getCause().getMessage());
        }
        batcher.close();
        ExecutionException closed = assertThrows(ExecutionException.class,
                () -> batcher.submit(new float[4]).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, closed.getCause());
    }
}
