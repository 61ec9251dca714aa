package io.fedfactory.inference.serving;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.proto.v1.ModelChunk;
import io.fedfactory.proto.v1.ModelDownloadGrpc;
import io.fedfactory.proto.v1.ModelDownloadRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.fedfactory.security.CredentialFiles;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;

import javax.net.ssl.SSLException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Downloads a model version from the aggregator's {@code ModelDownload} stream into the cache,
 * checking it against what the {@code ModelPublished} event announced: the stream's info must name
 * the same version and hash, offsets must be contiguous, and the bytes must have the announced size
 * and SHA-256. Nothing reaches the cache under its final name unless all of that holds.
 *
 * <p>A plain grpc-java channel rather than a Quarkus-injected client: the fetch worker owns its whole
 * lifecycle (created with the worker, shut down with it), reads the stream with a blocking iterator on
 * that worker, and the two {@code fedfactory.aggregator.*} properties map onto it directly.
 */
final class ModelDownloader implements AutoCloseable {

    private final ManagedChannel channel;
    private final ModelCache cache;
    private final Duration timeout;
    private final long maxModelBytes;
    private final String target;

    /**
     * @param tls this service's credential files for mutual TLS with the aggregator (which checks the
     *            identity service:inference-svc), or null for a plaintext channel
     */
    ModelDownloader(String host, int port, CredentialFiles tls, ModelCache cache, Duration timeout, long maxModelBytes) {
        this.target = host + ":" + port;
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port).maxInboundMessageSize(16 * 1024 * 1024);
        if (tls == null) {
            builder.usePlaintext();
        } else {
            try {
                builder.sslContext(GrpcSslContexts.forClient()
                        .keyManager(tls.certificate().toFile(), tls.privateKey().toFile())
                        .trustManager(tls.trustedCa().toFile()).build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("cannot set up TLS to the aggregator from " + tls.certificate() + ", "
                        + tls.privateKey() + " and " + tls.trustedCa() + ": " + e.getMessage(), e);
            }
        }
        this.channel = builder.build();
        this.cache = cache;
        this.timeout = timeout;
        this.maxModelBytes = maxModelBytes;
    }

    /** The verified bytes of {@code expected}, also committed to the cache. */
    byte[] download(ModelVersionInfo expected) throws FetchFailure {
        Context.CancellableContext call = Context.current().withCancellation();
        Context previous = call.attach();
        // Cancelling on every exit stops the server stream when a check fails half-way.
        try (ModelCache.Entry entry = cache.begin(expected.getOnnxSha256())) {
            byte[] bytes = receive(expected, entry);
            entry.commit();
            return bytes;
        } catch (StatusRuntimeException e) {
            throw fromStatus(expected, e);
        } catch (IOException e) {
            throw new FetchFailure("cache_io", "cannot write " + expected.getVersion() + " to the model cache "
                    + cache.dir() + ": " + e.getMessage(), e);
        } finally {
            call.detach(previous);
            call.cancel(null);
        }
    }

    private byte[] receive(ModelVersionInfo expected, ModelCache.Entry entry) throws FetchFailure, IOException {
        String version = expected.getVersion();
        Iterator<ModelChunk> stream = ModelDownloadGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .download(ModelDownloadRequest.newBuilder().setVersion(version)
                        .setFederationId(expected.getFederationId()).build());
        if (!stream.hasNext()) {
            throw new FetchFailure("info", "download of " + version + " from " + target + " ended before its info");
        }
        ModelChunk first = stream.next();
        if (!first.hasInfo()) {
            throw new FetchFailure("info", "download of " + version + ": the first message carries no info");
        }
        long size = checkInfo(expected, first.getInfo());
        MessageDigest digest = ContentHash.newSha256();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(size, 1 << 20));
        long received = 0;
        ModelChunk chunk = first;
        while (true) {
            if (!chunk.getData().isEmpty()) {
                if (chunk.getOffset() != received) {
                    throw new FetchFailure("offset", "download of " + version + ": chunk at offset "
                            + chunk.getOffset() + ", expected " + received);
                }
                received += chunk.getData().size();
                if (received > size) {
                    throw new FetchFailure("size", "download of " + version + ": more than the announced "
                            + size + " bytes arrived");
                }
                byte[] data = chunk.getData().toByteArray();
                digest.update(data);
                bytes.write(data);
                entry.write(data);
            }
            if (!stream.hasNext()) break;
            chunk = stream.next();
        }
        if (received != size) {
            throw new FetchFailure("size", "download of " + version + ": " + received + " bytes arrived, "
                    + size + " announced");
        }
        String actual = ContentHash.hex(digest.digest());
        if (!actual.equals(expected.getOnnxSha256())) {
            throw new FetchFailure("sha256", "download of " + version + ": bytes hash to " + actual
                    + ", the published onnx_sha256 is " + expected.getOnnxSha256());
        }
        return bytes.toByteArray();
    }

    /** Checks the stream's info against the published one and returns the size to expect. */
    private long checkInfo(ModelVersionInfo expected, ModelVersionInfo streamed) throws FetchFailure {
        String version = expected.getVersion();
        if (!streamed.getVersion().equals(version)) {
            throw new FetchFailure("info", "asked for " + version + ", the aggregator sent " + streamed.getVersion());
        }
        if (streamed.getRevoked()) {
            throw new FetchFailure("revoked_upstream", "the aggregator reports " + version + " as revoked");
        }
        if (!streamed.getOnnxSha256().equals(expected.getOnnxSha256())) {
            throw new FetchFailure("sha256", "download of " + version + ": the aggregator announces onnx_sha256 "
                    + streamed.getOnnxSha256() + ", the published event said " + expected.getOnnxSha256());
        }
        long size = expected.getSizeBytes() > 0 ? expected.getSizeBytes() : streamed.getSizeBytes();
        if (streamed.getSizeBytes() > 0 && streamed.getSizeBytes() != size) {
            throw new FetchFailure("size", "download of " + version + ": the aggregator announces "
                    + streamed.getSizeBytes() + " bytes, the published event said " + size);
        }
        if (size < 1 || size > maxModelBytes) {
            throw new FetchFailure("size", "download of " + version + ": size_bytes " + size
                    + " is outside 1.." + maxModelBytes + " (fedfactory.inference.max-model-bytes)");
        }
        return size;
    }

    private FetchFailure fromStatus(ModelVersionInfo expected, StatusRuntimeException e) {
        String version = expected.getVersion();
        String detail = e.getStatus().getCode() + (e.getStatus().getDescription() == null ? ""
                : " (" + e.getStatus().getDescription() + ")");
        return switch (e.getStatus().getCode()) {
            case NOT_FOUND -> new FetchFailure("not_found", "the aggregator at " + target + " does not know " + version + ": " + detail, e);
            case FAILED_PRECONDITION -> new FetchFailure("revoked_upstream", "the aggregator at " + target + " refuses " + version + ": " + detail, e);
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> new FetchFailure("unavailable", "the aggregator at " + target + " did not deliver " + version + ": " + detail, e);
            default -> new FetchFailure("grpc_" + e.getStatus().getCode().name().toLowerCase(), "download of " + version + " from " + target + " failed: " + detail, e);
        };
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
