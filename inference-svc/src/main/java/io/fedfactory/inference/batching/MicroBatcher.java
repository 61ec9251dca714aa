package io.fedfactory.inference.batching;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Gathers single images submitted concurrently into batches: a worker takes the oldest waiting image
 * and every image queued behind it, and waits for more only while the batch is filling: after each
 * arrival for as long as the gap between the last two arrivals, never past {@code maxWait} after the
 * oldest, and never for a lone image. It stops at {@code maxBatch} images, runs the model once, and
 * completes each caller's future with its own row. Images that arrive while the model runs form the
 * next batch, so batches grow with the load and a lone request pays no wait. When the model is idle
 * and nothing is queued, the submitting thread runs its image itself. Rows
 * are handed out by position in the batch, which is the order the worker collected them in, so a row
 * can never reach another caller.
 */
public final class MicroBatcher implements AutoCloseable {

    private record Pending(float[] pixels, long arrivedNanos, CompletableFuture<float[]> result) {
    }

    private static final Pending STOP = new Pending(new float[0], 0, new CompletableFuture<>());

    private final BatchRunner runner;
    private final int imageSize;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final int capacity;
    private final BlockingQueue<Pending> queue;
    private final IntConsumer batchSizes;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger live = new AtomicInteger();
    /** One permit per worker: at most that many model calls at a time, whoever makes them. */
    private final Semaphore calls;
    /** Direct buffers of one image for the callers that run their image themselves (at most one per permit). */
    private final java.util.Queue<FloatBuffer> singles = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /**
     * @param name       names the worker threads (the model version)
     * @param batchSizes told the size of every batch run (a metric)
     */
    public MicroBatcher(String name, BatchRunner runner, int imageSize, int maxBatch, Duration maxWait,
                        int workerCount, int capacity, IntConsumer batchSizes) {
        if (imageSize < 1 || maxBatch < 1 || workerCount < 1 || capacity < 1) {
            throw new IllegalArgumentException("micro-batcher " + name + ": imageSize, maxBatch, workers and capacity must be positive");
        }
        this.runner = runner;
        this.imageSize = imageSize;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSizes = batchSizes;
        this.calls = new Semaphore(workerCount);
        for (int i = 0; i < workerCount; i++) {
            Thread t = new Thread(this::work, "batcher-" + name + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            live.incrementAndGet();
            t.start();
        }
    }

    /**
     * Queues one image ({@code imageSize} values) and returns its output row; when the model is idle and
     * nothing is queued, runs it on the calling thread first and returns the row completed.
     *
     * @throws QueueFullException when {@code capacity} images are already waiting
     */
    public CompletableFuture<float[]> submit(float[] pixels) {
        if (pixels.length != imageSize) {
            throw new IllegalArgumentException("image has " + pixels.length + " values, the batcher takes " + imageSize);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the batcher is closed"));
        }
        if (queue.isEmpty() && calls.tryAcquire()) {
            // The model is idle and nobody waits: the caller runs its image itself, sparing the hand-off to
            // a worker thread and back (on a busy machine each costs a wake-up).
            try {
                if (queue.isEmpty() && !closed) return runAlone(pixels);
            } finally {
                calls.release();
            }
        }
        Pending p = new Pending(pixels, System.nanoTime(), new CompletableFuture<>());
        if (!queue.offer(p)) {
            throw new QueueFullException(capacity);
        }
        if (closed && queue.remove(p)) {
            // Closed while we queued: no worker may be left to take it.
            p.result.completeExceptionally(new IllegalStateException("the batcher is closed"));
        }
        return p.result;
    }

    private void work() {
        // Direct, so ONNX Runtime reads the batch where it is packed instead of copying it.
        FloatBuffer packed = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(maxBatch, imageSize), Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        List<Pending> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                Pending first = queue.take();
                if (first == STOP) return;
                batch.add(first);
                // The model first (a caller may be running an image on it): what queues meanwhile joins this batch.
                calls.acquire();
                boolean stop;
                try {
                    stop = collectAndRun(first, batch, packed);
                } finally {
                    calls.release();
                }
                batch.clear();
                if (stop) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Pending p : batch) p.result.completeExceptionally(new IllegalStateException("the batcher stopped"));
            if (live.decrementAndGet() == 0) {
                Pending left;
                while ((left = queue.poll()) != null) {
                    left.result.completeExceptionally(new IllegalStateException("the batcher stopped"));
                }
            }
        }
    }

    /** Adds to {@code batch} what is queued and what arrives while it fills, runs it; true if STOP came. */
    private boolean collectAndRun(Pending first, List<Pending> batch, FloatBuffer packed) throws InterruptedException {
        long deadline = first.arrivedNanos + maxWaitNanos;
        long previousArrival = first.arrivedNanos;
        long gap = -1; // none seen yet: a lone image does not wait
        boolean stop = false;
        while (batch.size() < maxBatch) {
            Pending next = queue.poll();
            if (next == null) {
                // Wait only while the batch is filling: for one more gap between arrivals, never past max-wait.
                long left = Math.min(gap, deadline - System.nanoTime());
                if (left <= 0) break;
                next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) break;
            }
            if (next == STOP) {
                stop = true;
                break;
            }
            gap = Math.max(0, next.arrivedNanos - previousArrival);
            previousArrival = next.arrivedNanos;
            batch.add(next);
        }
        runBatch(batch, packed);
        return stop;
    }

    private CompletableFuture<float[]> runAlone(float[] pixels) {
        float[][] rows;
        // A direct buffer of the callers' pool, so ONNX Runtime reads the image in place (a heap one it copies
        // into a direct buffer it allocates per call).
        FloatBuffer single = singles.poll();
        if (single == null) {
            single = ByteBuffer.allocateDirect(Math.multiplyExact(imageSize, Float.BYTES)).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        try {
            single.put(0, pixels);
            rows = runner.run(single, 1);
            if (rows.length != 1) {
                throw new IllegalStateException("the model returned " + rows.length + " rows for a batch of 1");
            }
        } catch (Exception | LinkageError e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            singles.offer(single);
        }
        batchSizes.accept(1);
        return CompletableFuture.completedFuture(rows[0]);
    }

    private void runBatch(List<Pending> batch, FloatBuffer packed) {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            packed.put(i * imageSize, batch.get(i).pixels);
        }
        float[][] rows;
        try {
            rows = runner.run(packed, n);
            if (rows.length != n) {
                throw new IllegalStateException("the model returned " + rows.length + " rows for a batch of " + n);
            }
        } catch (Exception | LinkageError e) {
            for (Pending p : batch) p.result.completeExceptionally(e);
            return;
        }
        batchSizes.accept(n);
        // Completed only after the model call returned: a caller's release may close the model.
        for (int i = 0; i < n; i++) {
            batch.get(i).result.complete(rows[i]);
        }
    }

    /**
     * Stops the workers once they have run what was queued before; whatever is left when the last
     * worker stops fails. Callers only close a batcher nobody submits to any more, so normally nothing is.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (int i = 0; i < workers.size(); i++) {
            if (!queue.offer(STOP)) {
                workers.forEach(Thread::interrupt);
                break;
            }
        }
    }
}
