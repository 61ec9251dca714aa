package io.fedfactory.client.upload;

import io.fedfactory.proto.errors.TypedErrors;
import com.google.protobuf.UnsafeByteOperations;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadOffset;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Sends one module to the aggregator: chunked, resumable after a dropped connection or a crash of the
 * client (every attempt, a fresh run's first included, asks how much is stored and sends the rest), idempotent (the module id is its content hash, so a repeat is stored once).
 */
public final class ModuleUploader {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleUploader.class);
    /** Failures worth another attempt: the connection, not the module, was the problem. */
    private static final Set<Status.Code> RETRIABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.CANCELLED, Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED);

    private final Channel channel;
    private final int chunkBytes;
    private final int maxAttempts;
    private final long timeoutSeconds;
    private volatile long lastStartOffset = -1;

    public ModuleUploader(Channel channel, int chunkBytes, int maxAttempts, long timeoutSeconds) {
        if (chunkBytes < 1024 || chunkBytes > (4 << 20)) {
            throw new IllegalArgumentException("chunk size must be in [1 KiB, 4 MiB], got " + chunkBytes);
        }
        if (maxAttempts < 1) throw new IllegalArgumentException("max attempts must be >= 1, got " + maxAttempts);
        this.channel = channel;
        this.chunkBytes = chunkBytes;
        this.maxAttempts = maxAttempts;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Uploads {@code onnx} with its manifest; the upload id is derived from the content hash and site so
     * that a re-run of the same site resumes rather than restarts.
     *
     * @param siteModuleCount how many modules this site uploads in all (the federation may close on it)
     * @param progress        called with bytes sent so far (may be null)
     */
    public UploadReceipt upload(String federationId, ModuleManifest manifest, byte[] onnx, int siteModuleCount,
                                java.util.function.LongConsumer progress) throws InterruptedException {
        String uploadId = "up-" + manifest.getSiteId() + "-" + manifest.getContentSha256().substring(0, 16);
        UploadHeader header = UploadHeader.newBuilder().setFederationId(federationId).setManifest(manifest)
                .setTotalBytes(onnx.length).setUploadId(uploadId).setSiteModuleCount(siteModuleCount).build();
        long backoffMs = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                // Asked on the first attempt too: a fresh run after a crash of this process resumes where the
                // aggregator's stored bytes end, rather than sending them again.
                long offset = storedBytes(uploadId);
                if (offset > onnx.length) offset = 0;
                if (offset > 0) LOG.info("upload {} resumes at byte {} of {}", uploadId, offset, onnx.length);
                lastStartOffset = offset;
                return send(header, onnx, offset, progress);
            } catch (StatusRuntimeException e) {
                if (!retriable(e) || attempt >= maxAttempts) throw e;
                LOG.warn("upload {} attempt {} failed ({}); resuming in {} ms", uploadId, attempt,
                        TypedErrors.describe(e), backoffMs);
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    /**
     * Worth another attempt: the transport failed or the aggregator is overloaded (by code), or the
     * same upload id is still being received on an older stream (reason BUSY, after a dropped connection).
     */
    static boolean retriable(StatusRuntimeException e) {
        return RETRIABLE.contains(e.getStatus().getCode()) || "BUSY".equals(TypedErrors.reason(e));
    }

    /** The byte the latest attempt of {@link #upload} started from (the aggregator's stored bytes); -1 before any. */
    public long lastStartOffset() {
        return lastStartOffset;
    }

    /** Bytes of {@code uploadId} the aggregator already holds. */
    public long storedBytes(String uploadId) {
        UploadOffset o = ModuleUploadGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                .getUploadOffset(UploadOffsetRequest.newBuilder().setUploadId(uploadId).build());
        return o.getStoredBytes();
    }

    private UploadReceipt send(UploadHeader header, byte[] onnx, long from, java.util.function.LongConsumer progress)
            throws InterruptedException {
        CompletableFuture<UploadReceipt> result = new CompletableFuture<>();
        Object readiness = new Object();
        @SuppressWarnings("unchecked")
        ClientCallStreamObserver<UploadChunk>[] stream = new ClientCallStreamObserver[1];
        ModuleUploadGrpc.newStub(channel)
                .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                .upload(new ClientResponseObserver<UploadChunk, UploadReceipt>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<UploadChunk> requests) {
                        stream[0] = requests;
                        requests.setOnReadyHandler(() -> {
                            synchronized (readiness) {
                                readiness.notifyAll();
                            }
                        });
                    }

                    @Override
                    public void onNext(UploadReceipt receipt) {
                        result.complete(receipt);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                        synchronized (readiness) {
                            readiness.notifyAll();
                        }
                    }

                    @Override
                    public void onCompleted() {
                        if (!result.isDone()) {
                            result.completeExceptionally(Status.INTERNAL.withDescription("no receipt").asRuntimeException());
                        }
                    }
                });
        ClientCallStreamObserver<UploadChunk> out = stream[0];
        long offset = from;
        boolean first = true;
        do {
            int n = (int) Math.min(chunkBytes, onnx.length - offset);
            // The module's bytes are not changed while they are sent, so chunks wrap them instead of copying.
            UploadChunk.Builder chunk = UploadChunk.newBuilder().setOffset(offset)
                    .setData(UnsafeByteOperations.unsafeWrap(onnx, (int) offset, n));
            if (first) chunk.setHeader(header);
            first = false;
            // Flow control: a chunk goes out only when the transport can take it, so at most a window of
            // the module waits in buffers, whatever its size.
            synchronized (readiness) {
                while (!out.isReady() && !result.isDone()) readiness.wait(50);
            }
            if (result.isDone()) break; // refused early: stop sending
            out.onNext(chunk.build());
            offset += n;
            if (progress != null) progress.accept(offset);
        } while (offset < onnx.length);
        out.onCompleted();
        try {
            return result.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw s;
            throw Status.UNKNOWN.withCause(e.getCause()).asRuntimeException();
        } catch (java.util.concurrent.TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED.withDescription("no receipt within " + timeoutSeconds + " s").asRuntimeException();
        }
    }
}
