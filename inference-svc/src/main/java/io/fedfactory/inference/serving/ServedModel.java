package io.fedfactory.inference.serving;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fedfactory.inference.batching.MicroBatcher;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A verified model version loaded in ONNX Runtime, with its micro-batcher. Reference counted: the
 * serving slot holds one reference, every request holds one while it runs; the session closes when
 * the slot has let go ({@link #retire()}) and the last request is done, so no request ever meets a
 * closed session and a swapped-out model is freed as soon as its last request answers.
 */
public final class ServedModel {

    private static final Logger LOG = Logger.getLogger(ServedModel.class);

    private final ModelVersionInfo info;
    private final ImageSpec spec;
    private final List<String> labels;
    private final OrtSession session;
    private final OnnxClassifier classifier;
    private volatile MicroBatcher batcher;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    private volatile boolean closed;

    ServedModel(ModelVersionInfo info, ImageSpec spec, List<String> labels, OrtSession session, OnnxClassifier classifier) {
        this.info = info;
        this.spec = spec;
        this.labels = List.copyOf(labels);
        this.session = session;
        this.classifier = classifier;
    }

    void attach(MicroBatcher batcher) {
        this.batcher = batcher;
    }

    public String version() {
        return info.getVersion();
    }

    public String federationId() {
        return info.getFederationId();
    }

    public ModelVersionInfo info() {
        return info;
    }

    public ImageSpec spec() {
        return spec;
    }

    public List<String> labels() {
        return labels;
    }

    /** Values in one image (C*H*W). */
    public int imageSize() {
        return spec.getChannels() * spec.getHeight() * spec.getWidth();
    }

    /** Takes a reference for one request; false once the model is closing (read the slot again). */
    public boolean tryAcquire() {
        while (true) {
            int r = refs.get();
            if (r == 0) return false;
            if (refs.compareAndSet(r, r + 1)) return true;
        }
    }

    /** Gives back a reference taken with {@link #tryAcquire()}. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            close();
        }
    }

    /** The serving slot lets go of the model; it closes once no request holds it. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    /** Queues one image; the caller holds a reference until the future completes. */
    public CompletableFuture<float[]> predict(float[] pixels) {
        if (closed) {
            throw new IllegalStateException("model " + version() + " is closed: acquire a reference first");
        }
        return batcher.submit(pixels);
    }

    /** Runs one batch straight on the session, without the batcher (the probe, benchmarks). */
    public float[][] run(float[] pixels, int n) throws OrtException {
        return classifier.run(java.nio.FloatBuffer.wrap(pixels), n);
    }

    boolean isClosed() {
        return closed;
    }

    private void close() {
        closed = true;
        MicroBatcher b = batcher;
        if (b != null) b.close();
        try {
            session.close();
            LOG.infof("closed the ONNX Runtime session of %s", version());
        } catch (OrtException e) {
            LOG.warnf("closing the session of %s failed: %s", version(), e.getMessage());
        }
    }
}
