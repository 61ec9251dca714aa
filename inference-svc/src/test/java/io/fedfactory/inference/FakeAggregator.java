package io.fedfactory.inference;

import com.google.protobuf.ByteString;
import io.fedfactory.proto.v1.ModelChunk;
import io.fedfactory.proto.v1.ModelDownloadGrpc;
import io.fedfactory.proto.v1.ModelDownloadRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.security.CredentialFiles;
import io.fedfactory.security.Identity;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.X509Certificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real grpc-java {@code ModelDownload} server on a loopback port, keeping the aggregator's contract:
 * info first, then bytes in order (in small chunks for small models, so reassembly is exercised), FAILED_PRECONDITION
 * for a revoked version, NOT_FOUND for an unknown one. A version can be gated: its stream then waits
 * before the bytes until the test opens the gate.
 */
public final class FakeAggregator extends ModelDownloadGrpc.ModelDownloadImplBase {

    private static final int CHUNK = 97;
    private static FakeAggregator shared;

    private record Stored(ModelVersionInfo info, byte[] bytes) {
    }

    private final Map<String, Stored> versions = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
    private final Set<String> callers = ConcurrentHashMap.newKeySet();
    private final Server server;

    private FakeAggregator() {
        try {
            CredentialFiles tls = TestTls.files(TestTls.AGGREGATOR);
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .sslContext(GrpcSslContexts.forServer(tls.certificate().toFile(), tls.privateKey().toFile())
                            .trustManager(tls.trustedCa().toFile()).clientAuth(ClientAuth.REQUIRE).build())
                    .addService(ServerInterceptors.intercept(this, new CallerRecorder())).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
    }

    /** The server of this test JVM, started on first use; stops with the JVM. */
    public static synchronized FakeAggregator shared() {
        if (shared == null) {
            shared = new FakeAggregator();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.server.shutdownNow()));
        }
        return shared;
    }

    /** The port chosen at start (the service under test is pointed at it by {@link TlsTestResource}). */
    public int port() {
        return server.getPort();
    }

    /** The identities (from their verified client certificates) that called this server. */
    public Set<String> callers() {
        return Set.copyOf(callers);
    }

    private final class CallerRecorder implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            try {
                callers.add(Identity.of((X509Certificate) session.getPeerCertificates()[0]).toString());
            } catch (SSLPeerUnverifiedException | RuntimeException e) {
                callers.add("unidentified: " + e.getMessage());
            }
            return next.startCall(call, headers);
        }
    }

    /** Serves {@code bytes} under {@code info} (which may announce another hash: a tampered version). */
    public void put(ModelVersionInfo info, byte[] bytes) {
        versions.put(info.getVersion(), new Stored(info, bytes.clone()));
    }

    public void revoke(String version) {
        revoked.add(version);
    }

    /** Holds downloads of {@code version} after their info until {@link #open(String)}. */
    public void gate(String version) {
        gates.put(version, new CountDownLatch(1));
    }

    public void open(String version) {
        CountDownLatch gate = gates.remove(version);
        if (gate != null) gate.countDown();
    }

    public int downloadsStarted(String version) {
        return started.getOrDefault(version, new AtomicInteger()).get();
    }

    public int downloadsCompleted(String version) {
        return completed.getOrDefault(version, new AtomicInteger()).get();
    }

    @Override
    public void download(ModelDownloadRequest request, StreamObserver<ModelChunk> out) {
        String version = request.getVersion();
        if (revoked.contains(version)) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("version " + version + " is revoked").asRuntimeException());
            return;
        }
        Stored stored = versions.get(version);
        if (stored == null) {
            out.onError(Status.NOT_FOUND.withDescription("no model version " + version).asRuntimeException());
            return;
        }
        started.computeIfAbsent(version, v -> new AtomicInteger()).incrementAndGet();
        out.onNext(ModelChunk.newBuilder().setInfo(stored.info).build());
        CountDownLatch gate = gates.get(version);
        try {
            if (gate != null && !gate.await(120, TimeUnit.SECONDS)) {
                out.onError(Status.DEADLINE_EXCEEDED.withDescription("gate never opened").asRuntimeException());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        byte[] bytes = stored.bytes;
        int chunk = bytes.length > 100_000 ? 1 << 16 : CHUNK;
        for (int off = 0; off < bytes.length; off += chunk) {
            out.onNext(ModelChunk.newBuilder().setOffset(off)
                    .setData(ByteString.copyFrom(Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + chunk)))).build());
        }
        out.onCompleted();
        completed.computeIfAbsent(version, v -> new AtomicInteger()).incrementAndGet();
    }
}
