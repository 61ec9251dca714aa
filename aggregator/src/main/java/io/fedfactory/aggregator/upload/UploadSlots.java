package io.fedfactory.aggregator.upload;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One stream at a time per upload id. A semaphore, not a lock: a stream's callbacks run on whichever
 * worker thread is free, so the thread that releases is rarely the one that acquired.
 */
final class UploadSlots {

    private final ConcurrentHashMap<String, Semaphore> slots = new ConcurrentHashMap<>();

    /** Waits up to {@code wait} for the upload id to be free; true if it is now held by the caller. */
    boolean acquire(String uploadId, Duration wait) {
        Semaphore s = slots.computeIfAbsent(uploadId, id -> new Semaphore(1));
        try {
            return s.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void release(String uploadId) {
        Semaphore s = slots.get(uploadId);
        if (s != null) s.release();
    }
}
