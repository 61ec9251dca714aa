package io.fedfactory.inference.batching;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
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
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroBatcherTest {

    /** Row i = {sum of image i, position of image i in its batch, batch size}: enough to spot a mix-up. */
    static float[][] describe(FloatBuffer pixels, int n) {
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int j = 0; j < 4; j++) sum += pixels.get(i * 4 + j);
            rows[i] = new float[] {sum, i, n};
        }
        return rows;
    }

    @Test
    void concurrentImagesShareBatchesAndEachCallerGetsItsOwnRow() throws Exception {
        Queue<Integer> sizes = new ConcurrentLinkedQueue<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch allQueued = new CountDownLatch(199);
        AtomicBoolean firstCall = new AtomicBoolean(true);
        // The first call (a lone image, run by its caller) waits until the 199 others are queued, so they
        // must share calls, whatever the timing.
        BatchRunner held = (pixels, n) -> {
            if (firstCall.compareAndSet(true, false)) {
                entered.countDown();
                allQueued.await();
            }
            return describe(pixels, n);
        };
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (MicroBatcher batcher = new MicroBatcher("t", held, 4, 8, Duration.ofMillis(20), 1, 1024, sizes::add)) {
            List<Future<CompletableFuture<float[]>>> submitted = new ArrayList<>();
            List<float[]> images = new ArrayList<>();
            for (int c = 0; c < 200; c++) {
                float[] image = {c, c * 1000, 0.5f, -c};
                images.add(image);
                submitted.add(callers.submit(() -> {
                    if (image[0] > 0) entered.await();
                    CompletableFuture<float[]> row = batcher.submit(image);
                    if (image[0] > 0) allQueued.countDown();
                    return row;
                }));
            }
            for (int c = 0; c < 200; c++) {
                float[] image = images.get(c);
                float[] row = submitted.get(c).get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
                assertEquals(image[0] + image[1] + image[2] + image[3], row[0], "row of image " + c);
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(200, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(sizes.stream().allMatch(s -> s >= 1 && s <= 8), "batches within max-batch: " + sizes);
        // The first image ran alone on its caller's thread; the worker collects only once it has the model,
        // when the other 199 were queued: full calls of 8.
        assertTrue(sizes.size() <= 1 + 25, "images shared calls: " + sizes.size() + " calls " + sizes);
    }

    @Test
    void imagesQueuedWhileTheModelRunsShareTheNextCall() throws Exception {
        Queue<Integer> sizes = new ConcurrentLinkedQueue<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        BatchRunner held = (pixels, n) -> {
            entered.countDown();
            hold.await();
            return describe(pixels, n);
        };
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (MicroBatcher batcher = new MicroBatcher("t", held, 4, 2, Duration.ofHours(1), 1, 16, sizes::add)) {
            // An idle model: the first image runs on its caller's thread, and is held there.
            Future<CompletableFuture<float[]>> first = caller.submit(() -> batcher.submit(new float[] {1, 1, 1, 1}));
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the first image is running");
            CompletableFuture<float[]> second = batcher.submit(new float[] {1, 2, 3, 4});
            CompletableFuture<float[]> third = batcher.submit(new float[] {5, 6, 7, 8});
            hold.countDown();
            assertEquals(1f, first.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)[2], "ran alone");
            assertEquals(2f, second.get(30, TimeUnit.SECONDS)[2], "ran together");
            assertEquals(26f, third.get(30, TimeUnit.SECONDS)[0]);
        } finally {
            caller.shutdownNow();
        }
        assertEquals(List.of(1, 2), List.copyOf(sizes));
    }

    @Test
    void aLoneImageDoesNotWaitForMaxWait() throws Exception {
        try (MicroBatcher batcher = new MicroBatcher("t", MicroBatcherTest::describe, 4, 64, Duration.ofHours(1),
                1, 16, n -> { })) {
            // Waiting for company only while a batch fills: an hour's max-wait would otherwise time this out.
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
        ExecutorService caller = Executors.newSingleThreadExecutor();
        MicroBatcher batcher = new MicroBatcher("t", stuck, 4, 1, Duration.ZERO, 1, 2, n -> { });
        try {
            Future<CompletableFuture<float[]>> first = caller.submit(() -> batcher.submit(new float[4]));
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the first image is in the stuck call");
            // The model is busy: images queue; a worker holds at most max-batch (1) of them, the queue 2.
            List<CompletableFuture<float[]>> queued = new ArrayList<>();
            boolean refused = false;
            for (int i = 0; i < 4 && !refused; i++) {
                try {
                    queued.add(batcher.submit(new float[4]));
                } catch (QueueFullException e) {
                    refused = true;
                }
            }
            assertTrue(refused, "a full queue refuses");
            assertTrue(queued.size() >= 2 && queued.size() <= 3, queued.size() + " images were taken");
            assertThrows(IllegalArgumentException.class, () -> batcher.submit(new float[3]));
            hold.countDown();
            queued.add(0, first.get(30, TimeUnit.SECONDS));
            for (CompletableFuture<float[]> f : queued) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
                assertEquals("model exploded", e.getCause().getMessage());
            }
            batcher.close();
            ExecutionException closed = assertThrows(ExecutionException.class,
                    () -> batcher.submit(new float[4]).get(5, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, closed.getCause());
        } finally {
            caller.shutdownNow();
        }
    }
}
