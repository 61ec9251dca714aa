package io.fedfactory.inference.batching;

/** The batcher's queue is full: the caller should shed the request rather than wait. */
public final class QueueFullException extends RuntimeException {

    public QueueFullException(int capacity) {
        super("the prediction queue is full (" + capacity + " images, fedfactory.inference.queue-capacity); retry later");
    }
}
