package io.fedfactory.inference.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Gathers single images submitted concurrently into batches: a worker takes the oldest waiting image,
 * then keeps collecting until {@code maxBatch} images are in hand or {@code maxWait} has passed since
 * that image arrived, runs the model once, and completes each caller's future with its own row. Rows
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
        for (int i = 0; i < workerCount; i++) {
            Thread t = new Thread(this::work, "batcher-" + name + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            live.incrementAndGet();
            t.start();
        }
    }

    /**
     * Queues one image ({@code imageSize} values) and returns its output row.
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
        float[] packed = new float[maxBatch * imageSize];
        List<Pending> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                Pending first = queue.take();
                if (first == STOP) return;
                batch.add(first);
                long deadline = first.arrivedNanos + maxWaitNanos;
                boolean stop = false;
                while (batch.size() < maxBatch) {
                    Pending next = queue.poll();
                    if (next == null) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) break;
                        next = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (next == null) break;
                    }
                    if (next == STOP) {
                        stop = true;
                        break;
                    }
                    batch.add(next);
                }
                runBatch(batch, packed);
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

    private void runBatch(List<Pending> batch, float[] packed) {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).pixels, 0, packed, i * imageSize, imageSize);
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
