package io.fedfactory.aggregator.upload;

import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.perf.PerfPart;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadReceipt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The upload scale curve of {@code bench/perf}: 1, 10 and 50 sites each uploading a module at the same
 * moment, through the real module upload (mutual TLS on loopback, each site with its own certificate and
 * channel; admission and durable storage included, as in {@link UploadThroughputBenchmark}). Reports the
 * aggregate MB/s (all bytes over the time from the first start to the last receipt) and each upload's
 * p50 and p99 time. Not part of the suite: it runs with {@code -Dfedfactory.bench.upload=true}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
@EnabledIfSystemProperty(named = "fedfactory.bench.upload", matches = "true")
class UploadConcurrencyBenchmark {

    static final List<Integer> SITES = List.of(1, 10, 50);
    /** A decoder of hidden width 512: about 3.3 MB, so that 50 of them fit in memory and a round stays short. */
    static final int HIDDEN = 512;

    @ConfigProperty(name = "fedfactory.upload.sync-interval-bytes")
    long syncInterval;

    @ConfigProperty(name = "fedfactory.grpc.worker-threads")
    int workerThreads;

    @Test
    void againstConcurrentSites() throws Exception {
        int maxSites = SITES.get(SITES.size() - 1);
        List<String> sites = IntStream.range(0, maxSites).mapToObj(i -> String.format("site-s%02d", i)).toList();
        String fed = "fed-scale-" + System.nanoTime() % 100000;
        Clients.coordinator().createFederation(CreateFederationRequest.newBuilder()
                .setSpec(ModuleFixtures.spec(fed).toBuilder().addAllEnrolledSiteIds(sites)).build());
        int rounds = Integer.getInteger("bench.rounds", 3);
        PerfPart part = new PerfPart("scale-upload");
        ExecutorService clients = Executors.newFixedThreadPool(maxSites);
        long[] variant = {1000};
        try {
            upload(fed, sites.subList(0, 1), clients, variant); // warm-up: TLS, the first admission
            for (int n : SITES) {
                double[] aggregate = new double[rounds], p50 = new double[rounds], p99 = new double[rounds];
                long bytes = 0;
                for (int r = 0; r < rounds; r++) {
                    Round round = upload(fed, sites.subList(0, n), clients, variant);
                    aggregate[r] = round.bytes / 1e6 / round.seconds;
                    p50[r] = PerfPart.percentileMs(round.uploadNanos, 0.50);
                    p99[r] = PerfPart.percentileMs(round.uploadNanos, 0.99);
                    bytes = round.bytes;
                }
                part.point("throughput", "aggregate, all uploads", "concurrent sites", n, "MB/s", aggregate);
                part.point("latency", "per upload, p50", "concurrent sites", n, "ms", p50);
                part.point("latency", "per upload, p99", "concurrent sites", n, "ms", p99);
                System.out.printf("BENCH scale-upload %d sites, %.1f MB a round: %.1f MB/s aggregate, p50 %.0f ms, "
                                + "p99 %.0f ms (medians of %d; load average %s)%n", n, bytes / 1e6, PerfPart.median(aggregate),
                        PerfPart.median(p50), PerfPart.median(p99), rounds, PerfPart.loadAverage());
            }
        } finally {
            clients.shutdownNow();
        }
        part.setting("module", String.format("a decoder with four %dx%d layers, %.1f MB, a fresh one per upload, "
                + "chunks of %d KiB", HIDDEN, HIDDEN, UploadThroughputBenchmark.decoder(0, HIDDEN).length / 1e6,
                UploadThroughputBenchmark.CHUNK / 1024));
        part.setting("transport", "mutual TLS on loopback, one certificate and channel per site, client and server in "
                + "one JVM, clients send only when isReady; all uploads of a round start together");
        part.setting("fsyncPolicy", "fdatasync every " + syncInterval + " bytes and at the end of each stream (beside "
                + "admission), before the receipt");
        part.setting("server", "the aggregator's gRPC server, " + workerThreads + " worker threads");
        part.setting("rounds", rounds + " per point after one warm-up upload; medians plotted; p50 and p99 over one "
                + "round's uploads");
        System.out.println("scale-upload figures: " + part.write(Path.of("target", "perf")));
    }

    record Round(long bytes, double seconds, long[] uploadNanos) {
    }

    /** One upload per site, all released at once; each a fresh module (the store keeps a module once). */
    private static Round upload(String fed, List<String> sites, ExecutorService clients, long[] variant) throws Exception {
        List<UploadHeader> headers = new ArrayList<>();
        List<byte[]> modules = new ArrayList<>();
        long bytes = 0;
        for (String site : sites) {
            byte[] module = UploadThroughputBenchmark.decoder(variant[0]++, HIDDEN);
            modules.add(module);
            headers.add(ModuleFixtures.header(fed, "scale-" + variant[0] + "-" + System.nanoTime(),
                    ModuleFixtures.decoderManifest(module, site, "cat"), module.length));
            Clients.upload(site); // the site's channel exists before the clock starts
            bytes += module.length;
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> uploads = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            String site = sites.get(i);
            UploadHeader header = headers.get(i);
            byte[] module = modules.get(i);
            uploads.add(clients.submit(() -> {
                go.await();
                long t0 = System.nanoTime();
                UploadReceipt receipt = UploadCall.upload(Clients.upload(site), header, module, 0, UploadThroughputBenchmark.CHUNK);
                long took = System.nanoTime() - t0;
                assertEquals(module.length, receipt.getStoredBytes());
                return took;
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        long[] nanos = new long[uploads.size()];
        for (int i = 0; i < nanos.length; i++) nanos[i] = uploads.get(i).get();
        return new Round(bytes, (System.nanoTime() - t0) / 1e9, nanos);
    }
}
