package io.fedfactory.deploy.local;

import com.google.protobuf.ByteString;
import io.fedfactory.deploy.tls.ClientTls;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A site's upload as a real client does it: chunks on one stream, and after a failure, GetUploadOffset
 * and the rest from there, until a receipt. A hook sees each stage, so the nemesis can kill the
 * aggregator at an exact point of the stream.
 */
final class ResumingUpload {

    enum Stage { CHUNK_SENT, HALF_CLOSED }

    interface Hook {
        void at(Stage stage, int chunk, int chunks);
    }

    static final int CHUNK = 512;

    private final ClientTls tls;
    private final int port;
    private final UploadHeader header;
    private final byte[] bytes;
    private final Hook hook;

    ResumingUpload(ClientTls tls, int port, String federation, ModuleManifest manifest, byte[] bytes, Hook hook) {
        this.tls = tls;
        this.port = port;
        this.header = UploadHeader.newBuilder().setFederationId(federation).setManifest(manifest).setTotalBytes(bytes.length)
                .setUploadId("up-" + manifest.getSiteId() + "-" + manifest.getContentSha256().substring(0, 16))
                .setSiteModuleCount(1).build();
        this.bytes = bytes;
        this.hook = hook;
    }

    /** The receipt's module id. */
    String upload() throws InterruptedException {
        ManagedChannel channel = tls.channel("127.0.0.1", port, 8 << 20);
        try {
            long offset = 0;
            for (int attempt = 1; ; attempt++) {
                try {
                    return send(channel, (int) offset).getModuleId();
                } catch (StatusRuntimeException e) {
                    if (attempt > 200) throw e;
                    Thread.sleep(300);
                    offset = CrashTrials.retry(() -> ModuleUploadGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .getUploadOffset(UploadOffsetRequest.newBuilder().setUploadId(header.getUploadId()).build())
                            .getStoredBytes());
                    if (offset > bytes.length) offset = 0;
                }
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** One attempt from the start, no retry: a refusal is thrown as the aggregator sent it. */
    UploadReceipt once() throws InterruptedException {
        ManagedChannel channel = tls.channel("127.0.0.1", port, 8 << 20);
        try {
            return send(channel, 0);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private UploadReceipt send(ManagedChannel channel, int from) throws InterruptedException {
        CompletableFuture<UploadReceipt> result = new CompletableFuture<>();
        StreamObserver<UploadChunk> out = ModuleUploadGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
                .upload(new StreamObserver<>() {
                    @Override
                    public void onNext(UploadReceipt r) {
                        result.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        int chunks = (bytes.length - from + CHUNK - 1) / CHUNK;
        out.onNext(UploadChunk.newBuilder().setHeader(header).setOffset(from).build());
        for (int k = 1, off = from; off < bytes.length; k++, off += CHUNK) {
            int n = Math.min(CHUNK, bytes.length - off);
            out.onNext(UploadChunk.newBuilder().setOffset(off).setData(ByteString.copyFrom(bytes, off, n)).build());
            if (hook != null) hook.at(Stage.CHUNK_SENT, k, chunks);
            if (result.isDone()) break;
        }
        out.onCompleted();
        if (hook != null) hook.at(Stage.HALF_CLOSED, chunks, chunks);
        try {
            return result.get(180, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw s;
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer to upload " + header.getUploadId(), e);
        }
    }
}
