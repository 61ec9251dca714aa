package io.fedfactory.aggregator.upload;

import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.onnx.OnnxGraphBuilder;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.fedfactory.perf.PerfPart;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.security.CredentialFiles;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upload throughput of a real ~50 MB module (a decoder with three 2048x2048 layers) over loopback, in
 * 1 MiB chunks, admission included. Not part of the suite; run it with
 * <pre>
 *   ../mvnw test -Dtest=UploadThroughputBenchmark -Dfedfactory.bench.upload=true \
 *       -Dfedfactory.upload.sync-interval-bytes=0          (flush after every chunk)
 *       -Dfedfactory.upload.sync-interval-bytes=67108864   (flush only at the end)
 * </pre>
 * {@link #againstTheBareStream} is the upload part of {@code bench/perf}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
@EnabledIfSystemProperty(named = "fedfactory.bench.upload", matches = "true")
class UploadThroughputBenchmark {

    /** The name of the performance part this class writes (a subclass measures another fsync policy). */
    String partName() {
        return "upload";
    }

    static final int HIDDEN = 2048;
    static final int CHUNK = 1 << 20;
    static final int RUNS = Integer.getInteger("fedfactory.bench.runs", 5);

    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();

    @Inject
    AggregatorStore store;

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "fedfactory.upload.sync-interval-bytes")
    long syncInterval;

    @Test
    void fiftyMegabyteModules() {
        String fed = "fed-bench-" + System.nanoTime() % 100000;
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(fed)).build());
        double[] totals = new double[RUNS], transfers = new double[RUNS];
        for (int run = 0; run <= RUNS; run++) {
            byte[] onnx = bigDecoder(run);
            UploadHeader header = ModuleFixtures.header(fed, "bench-" + run + "-" + System.nanoTime(),
                    ModuleFixtures.decoderManifest(onnx, "site-" + run, "cat"), onnx.length);
            double admissionBefore = admissionSeconds();
            long t0 = System.nanoTime();
            UploadCall call = new UploadCall(Clients.upload(header.getManifest().getSiteId()));
            call.sendRange(header, onnx, 0, onnx.length, CHUNK);
            // Flow control: when the client has handed over its last chunk, the server holds at most a
            // window's worth more than it has written; without it, this would be near 0.
            long storedWhenSent = store.parts().length(header.getUploadId());
            UploadReceipt receipt = call.complete();
            double total = (System.nanoTime() - t0) / 1e9;
            double admission = admissionSeconds() - admissionBefore;
            assertEquals(onnx.length, receipt.getStoredBytes());
            double mb = onnx.length / 1e6;
            System.out.printf("BENCH sync-interval-bytes=%d run=%d%s size=%.1f MB total=%.2f s (%.1f MB/s) "
                            + "admission=%.2f s transfer=%.2f s (%.1f MB/s) stored when the client had sent all: %.1f MB%n",
                    syncInterval, run,
                    run == 0 ? " (warm-up)" : "", mb, total, mb / total, admission, total - admission,
                    mb / (total - admission), storedWhenSent / 1e6);
            if (run > 0) {
                totals[run - 1] = mb / total;
                transfers[run - 1] = mb / (total - admission);
            }
        }
        System.out.printf("BENCH sync-interval-bytes=%d median of %d: %.1f MB/s with admission, %.1f MB/s transfer alone%n",
                syncInterval, RUNS, median(totals), median(transfers));
    }

    /**
     * The upload part of {@code bench/perf}: the same module through the module upload (admission and
     * durable storage included: the receipt comes after the part is fsynced, checked and committed) against
     * a bare grpc-java client-streaming call to a server that only appends the chunks to a file and fsyncs
     * it once at the end; both over mutual TLS on loopback, the same client, chunk size and worker pool,
     * in alternating rounds.
     */
    @Test
    void againstTheBareStream() throws Exception {
        String fed = "fed-perf-" + System.nanoTime() % 100000;
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(fed)).build());
        Path bareDir = Files.createDirectories(Path.of("target", "perf-bare-upload"));
        ExecutorService workers = Executors.newFixedThreadPool(4);
        CredentialFiles f = TestPki.files(TestPki.AGGREGATOR);
        Server bare = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).executor(workers)
                .maxInboundMessageSize(16 << 20)
                .sslContext(GrpcSslContexts.forServer(f.certificate().toFile(), f.privateKey().toFile())
                        .trustManager(f.trustedCa().toFile()).clientAuth(ClientAuth.REQUIRE).build())
                .addService(new BareUpload(bareDir)).build().start();
        CredentialFiles site = TestPki.files(Clients.site("site-a"));
        ManagedChannel bareChannel = NettyChannelBuilder.forAddress("127.0.0.1", bare.getPort()).maxInboundMessageSize(16 << 20)
                .sslContext(GrpcSslContexts.forClient().keyManager(site.certificate().toFile(), site.privateKey().toFile())
                        .trustManager(site.trustedCa().toFile()).build()).build();
        int rounds = Integer.getInteger("bench.rounds", 3);
        double[] bareRates = new double[rounds], ourRates = new double[rounds];
        byte[] onnx = bigDecoder(1);
        try {
            for (int run = -1; run < rounds; run++) {
                boolean bareFirst = run % 2 == 0;
                double a = bareFirst ? bareUpload(bareChannel, onnx) : ourUpload(fed, run);
                double b = bareFirst ? ourUpload(fed, run) : bareUpload(bareChannel, onnx);
                if (run < 0) continue; // warm-up
                bareRates[run] = bareFirst ? a : b;
                ourRates[run] = bareFirst ? b : a;
            }
        } finally {
            bareChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            bare.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            workers.shutdownNow();
        }
        PerfPart part = new PerfPart(partName());
        part.setting("module", String.format("decoder with three 2048x2048 layers, %.1f MB, chunks of %d KiB", onnx.length / 1e6,
                CHUNK / 1024));
        part.setting("transport", "mutual TLS on loopback, client and server in one JVM, client sends only when isReady");
        part.setting("fsyncPolicy", syncInterval == 0 ? "fdatasync after every chunk, and before the receipt"
                : "fdatasync every " + syncInterval + " bytes and at the end of the stream (beside admission), before the receipt");
        part.setting("bare", "grpc-java server appending chunks to a file, one fsync at the end, then a reply");
        part.setting("rounds", rounds);
        part.compare("module upload, durable (admission included)", "throughput", "MB/s", bareRates, ourRates, true, 0.8);
        System.out.println("upload figures: " + part.write(Path.of("target", "perf")));
    }

    private double ourUpload(String fed, int run) {
        // A fresh module each time (the store keeps a module once): same graph and size, other weights.
        byte[] module = bigDecoder(100 + run);
        UploadHeader header = ModuleFixtures.header(fed, "perf-" + (run + 1) + "-" + System.nanoTime(),
                ModuleFixtures.decoderManifest(module, "site-a", "cat"), module.length);
        long t0 = System.nanoTime();
        UploadReceipt receipt = UploadCall.upload(Clients.upload("site-a"), header, module, 0, CHUNK);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(module.length, receipt.getStoredBytes());
        return module.length / 1e6 / seconds;
    }

    private static double bareUpload(ManagedChannel channel, byte[] onnx) {
        UploadHeader header = UploadHeader.newBuilder().setUploadId("bare-" + System.nanoTime()).setTotalBytes(onnx.length).build();
        long t0 = System.nanoTime();
        UploadReceipt receipt = UploadCall.upload(ModuleUploadGrpc.newStub(channel), header, onnx, 0, CHUNK);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(onnx.length, receipt.getStoredBytes());
        return onnx.length / 1e6 / seconds;
    }

    /** The bare engine: receive, append, fsync once, reply. */
    static final class BareUpload extends ModuleUploadGrpc.ModuleUploadImplBase {
        private final Path dir;

        BareUpload(Path dir) {
            this.dir = dir;
        }

        @Override
        public StreamObserver<UploadChunk> upload(StreamObserver<UploadReceipt> response) {
            return new StreamObserver<>() {
                private FileChannel file;
                private Path path;
                private long stored;

                @Override
                public void onNext(UploadChunk chunk) {
                    try {
                        if (file == null) {
                            path = dir.resolve(chunk.getHeader().getUploadId());
                            file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        }
                        for (ByteBuffer b : chunk.getData().asReadOnlyByteBufferList()) {
                            while (b.hasRemaining()) file.write(b);
                        }
                        stored += chunk.getData().size();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    close();
                }

                @Override
                public void onCompleted() {
                    try {
                        file.force(false);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    close();
                    response.onNext(UploadReceipt.newBuilder().setStoredBytes(stored).build());
                    response.onCompleted();
                }

                private void close() {
                    try {
                        if (file != null) file.close();
                        if (path != null) Files.deleteIfExists(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        }
    }

    /** The disk's share: 50 MB appended in 1 MiB chunks to a part, flushed per chunk or once, alternating. */
    @Test
    void partWritesAlone() {
        byte[] chunk = new byte[CHUNK];
        new SplittableRandom(1).nextBytes(chunk);
        com.google.protobuf.ByteString data = com.google.protobuf.ByteString.copyFrom(chunk);
        double[] perChunk = new double[RUNS], once = new double[RUNS];
        for (int run = 0; run < 2 * RUNS; run++) {
            long interval = run % 2 == 0 ? 0 : Long.MAX_VALUE;
            String id = "bench-part-" + run;
            long t0 = System.nanoTime();
            try (var w = store.parts().append(id, interval)) {
                for (int i = 0; i < 48; i++) w.append(data);
            }
            double mbps = 48 * CHUNK / 1e6 / ((System.nanoTime() - t0) / 1e9);
            (interval == 0 ? perChunk : once)[run / 2] = mbps;
            store.parts().delete(id);
        }
        System.out.printf("BENCH part writes, 50.3 MB in 1 MiB chunks, median of %d: fdatasync per chunk %.1f MB/s, "
                + "once at the end %.1f MB/s%n", RUNS, median(perChunk), median(once));
    }

    private static double median(double[] xs) {
        return PerfPart.median(xs);
    }

    private double admissionSeconds() {
        return meters.get("fedfactory.upload.admission").timer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e9;
    }

    /** z[N,8] -> 2048 -> 2048 -> 2048 -> 2048 -> 64 -> [N,1,8,8]: about 50.5 MB of float weights. */
    static byte[] bigDecoder(long seed) {
        return decoder(seed, HIDDEN);
    }

    /** z[N,8] -> hidden x4 -> 64 -> [N,1,8,8]: 12 * hidden^2 bytes and a little more of float weights. */
    static byte[] decoder(long seed, int hidden) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("big-decoder");
        SplittableRandom r = new SplittableRandom(seed);
        String h = g.input("z", -1, ModuleFixtures.LATENT);
        int in = ModuleFixtures.LATENT;
        for (int out : new int[] {hidden, hidden, hidden, hidden, 64}) {
            float[] w = new float[in * out];
            float scale = (float) (1 / Math.sqrt(in));
            for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * scale;
            h = g.node("Gemm", List.of(h, g.initializer("W" + out + "_" + in + "_" + g.hashCode() + "_" + w.length, w, in, out),
                    g.initializer("B" + out + "_" + w.length, new float[out], out)), Map.of());
            h = g.node(out == 64 ? "Sigmoid" : "Tanh", h);
            in = out;
        }
        String img = g.node("Reshape", h, g.initializer("shape", new long[] {-1, 1, 8, 8}, 4));
        g.identity(img, "image");
        g.output("image", -1, 1, 8, 8);
        return g.toBytes("fedfactory-bench", Map.of());
    }
}
