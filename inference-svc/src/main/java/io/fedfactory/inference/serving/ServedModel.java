package io.fedfactory.inference.serving;

import io.fedfactory.inference.batching.MicroBatcher;
import io.fedfactory.onnx.runtime.OnnxModel;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;
import org.jboss.logging.Logger;

import java.nio.FloatBuffer;
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

    /** The classifier graph's input, [N,C,H,W] in the image spec's range, and output, [N,K] probabilities. */
    static final String INPUT = "image";
    static final String OUTPUT = "probabilities";

    private final ModelVersionInfo info;
    private final ImageSpec spec;
    private final List<String> labels;
    private final OnnxModel session;
    private volatile MicroBatcher batcher;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    private volatile boolean closed;

    ServedModel(ModelVersionInfo info, ImageSpec spec, List<String> labels, OnnxModel session) {
        this.info = info;
        this.spec = spec;
        this.labels = List.copyOf(labels);
        this.session = session;
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
    public float[][] run(float[] pixels, int n) {
        return run(FloatBuffer.wrap(pixels), n);
    }

    /**
     * One call of the classifier graph, the batcher's runner: {@code n} images from position 0 of
     * {@code pixels} (read in place when it is a direct buffer, as the batcher's are), one row of
     * {@code labels().size()} probabilities per image.
     */
    float[][] run(FloatBuffer pixels, int n) {
        float[][] rows = session.runRows(OUTPUT, new OnnxModel.Feed(INPUT, pixels.slice(0, n * imageSize()), n,
                spec.getChannels(), spec.getHeight(), spec.getWidth()));
        if (rows.length != n || (n > 0 && rows[0].length != labels.size())) {
            throw new IllegalStateException("output " + OUTPUT + " has shape [" + rows.length + ", "
                    + (rows.length == 0 ? 0 : rows[0].length) + "], expected [" + n + ", " + labels.size() + "]");
        }
        return rows;
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
        } catch (RuntimeException e) {
            LOG.warnf("closing the session of %s failed: %s", version(), e.getMessage());
        }
    }
}
