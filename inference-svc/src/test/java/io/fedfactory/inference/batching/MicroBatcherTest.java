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
        try (MicroBatcher batcher = new MicroBatcher("t", MicroBatcherTest::describe, 4, 8, Duration.ofMillis(20),
                1, 1024, sizes::add)) {
            ExecutorService callers = Executors.newFixedThreadPool(16);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int c = 0; c < 200; c++) {
                float[] image = {c, c * 1000, 0.5f, -c};
                results.add(callers.submit(() -> {
                    start.await();
                    float[] row = batcher.submit(image).get(10, TimeUnit.SECONDS);
                    float want = image[0] + image[1] + image[2] + image[3];
                    return row[0] == want ? "" : "got " + row[0] + " for an image summing to " + want;
                }));
            }
            start.countDown();
            for (Future<String> f : results) assertEquals("", f.get(30, TimeUnit.SECONDS));
            callers.shutdown();
        }
        assertEquals(200, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(sizes.stream().allMatch(s -> s >= 1 && s <= 8), "batches within max-batch: " + sizes);
        assertTrue(sizes.size() < 200, "some images shared a call: " + sizes.size() + " calls");
    }

    @Test
    void aLoneImageWaitsAtMostMaxWait() throws Exception {
        try (MicroBatcher batcher = new MicroBatcher("t", MicroBatcherTest::describe, 4, 64, Duration.ofMillis(50),
                1, 16, n -> { })) {
            long start = System.nanoTime();
            float[] row = batcher.submit(new float[] {1, 2, 3, 4}).get(5, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(10f, row[0]);
            assertEquals(1f, row[2], "ran alone");
            assertTrue(ms >= 45 && ms < 2000, "waited " + ms + " ms for company");
        }
    }

    @Test
    void aFailingModelCallFailsEveryImageOfItsBatchAndAFullQueueRefuses() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        BatchRunner stuck = (pixels, n) -> {
            hold.await();
            throw new IllegalStateException("model exploded");
        };
        MicroBatcher batcher = new MicroBatcher("t", stuck, 4, 2, Duration.ZERO, 1, 2, n -> { });
        CompletableFuture<float[]> first = batcher.submit(new float[4]);
        Thread.sleep(200); // the worker now holds `first` inside the stuck call
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
