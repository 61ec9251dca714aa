package io.fedfactory.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.onnx.OnnxGraphBuilder;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.inference.serving.ModelCache;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Throughput and latency at batch 1 under concurrent callers: through the service's gRPC Predict
 * (micro-batched) versus ONNX Runtime called in-process on the same model with the same session
 * options. Not part of the default suite; run with
 * {@code ../mvnw -q test -Dtest=ServingThroughputBenchmark -Dfedfactory.bench=true}.
 * Options: -Dbench.tls=false (plaintext, no credential check), -Dbench.max-wait=0ms, -Dbench.callers=N, -Dbench.hidden=N, -Dbench.measure-ms=N. The figures go to
 * stdout and are appended to target/serving-benchmark.txt.
 */
@QuarkusTest
@TestProfile(ServingThroughputBenchmark.ServiceDefaults.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@EnabledIfSystemProperty(named = "fedfactory.bench", matches = "true")
class ServingThroughputBenchmark {

    @ConfigProperty(name = "fedfactory.inference.cache-dir")
    String cacheDir;

    /** -Dbench.tls=false: the service in plaintext without credentials, to measure what TLS costs. */
    static final boolean TLS = !"false".equals(System.getProperty("bench.tls"));

    /** The shipped batching defaults rather than the test suite's; TLS as -Dbench.tls says. */
    public static class ServiceDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fedfactory.inference.max-wait", System.getProperty("bench.max-wait", "2ms"),
                    "fedfactory.inference.max-batch", "64",
                    "fedfactory.tls.enabled", String.valueOf(TLS),
                    "fedfactory.inference.require-application-credential", String.valueOf(TLS));
        }
    }

    static final String FED = "fed-bench";
    static final ImageSpec SPEC = ImageSpec.newBuilder().setChannels(1).setHeight(28).setWidth(28).setValueMax(1).build();
    static final List<String> LABELS = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
    static final int CALLERS = Integer.getInteger("bench.callers", 16);
    static final long WARMUP_MS = 3_000;
    static final long MEASURE_MS = Long.getLong("bench.measure-ms", 10_000);

    /** Hidden width of the MLP: 256 by default (0.8 MB), -Dbench.hidden=2048 for a weight-bound one (7.6 MB). */
    static final int HIDDEN = Integer.getInteger("bench.hidden", 256);

    /** MNIST-sized MLP: 784 -> HIDDEN -> ReLU -> 10 -> softmax, seeded weights. */
    static byte[] mlp() {
        Random random = new Random(7);
        float[] w1 = new float[784 * HIDDEN];
        float[] w2 = new float[HIDDEN * 10];
        for (int i = 0; i < w1.length; i++) w1[i] = (float) random.nextGaussian() * 0.05f;
        for (int i = 0; i < w2.length; i++) w2[i] = (float) random.nextGaussian() * 0.1f;
        OnnxGraphBuilder g = new OnnxGraphBuilder("mlp");
        String x = g.input("image", -1, 1, 28, 28);
        String flat = g.node("Flatten", List.of(x), Map.of("axis", 1));
        String h = g.node("Relu", g.node("Gemm", flat, g.initializer("w1", w1, 784, HIDDEN),
                g.initializer("b1", new float[HIDDEN], HIDDEN)));
        String logits = g.node("Gemm", h, g.initializer("w2", w2, HIDDEN, 10), g.initializer("b2", new float[10], 10));
        g.identity(g.node("Softmax", List.of(logits), Map.of("axis", 1)), "probabilities");
        g.output("probabilities", -1, 10);
        return g.toBytes("fedfactory-bench", Map.of());
    }

    record Figures(String what, long calls, double seconds, long[] latenciesNanos) {
        double throughput() {
            return calls / seconds;
        }

        double percentileMs(double q) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
        }

        String line() {
            return String.format("%-46s %8d calls %9.0f img/s   p50 %7.3f ms   p99 %7.3f ms", what, calls, throughput(),
                    percentileMs(0.50), percentileMs(0.99));
        }
    }

    interface Call {
        void run(float[] image) throws Exception;
    }

    /** {@code threads} callers each calling in a loop; warm-up, then a timed window. */
    static Figures measure(String what, int threads, float[][] images, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (long phaseMs : new long[] {WARMUP_MS, MEASURE_MS}) {
                CountDownLatch start = new CountDownLatch(1);
                long[] endAt = new long[1];
                List<Future<long[]>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t * 37;
                    results.add(pool.submit((Callable<long[]>) () -> {
                        start.await();
                        long[] lat = new long[1 << 16];
                        int n = 0;
                        while (System.nanoTime() < endAt[0]) {
                            long t0 = System.nanoTime();
                            call.run(images[(offset + n) % images.length]);
                            long dt = System.nanoTime() - t0;
                            if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
                            lat[n++] = dt;
                        }
                        return Arrays.copyOf(lat, n);
                    }));
                }
                long t0 = System.nanoTime();
                endAt[0] = t0 + TimeUnit.MILLISECONDS.toNanos(phaseMs);
                start.countDown();
                List<long[]> all = new ArrayList<>();
                for (Future<long[]> f : results) all.add(f.get(phaseMs + 60_000, TimeUnit.MILLISECONDS));
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (phaseMs == MEASURE_MS) {
                    long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
                    return new Figures(what, merged.length, seconds, merged);
                }
            }
            throw new IllegalStateException("unreachable");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void grpcThroughTheServiceVersusInProcessOnnxRuntime() throws Exception {
        byte[] bytes = mlp();
        ModelVersionInfo info = ModelVersionInfo.newBuilder().setVersion(FED + "-v1").setFederationId(FED)
                .setOnnxSha256(TestClassifiers.sha256(bytes)).setSizeBytes(bytes.length).addAllLabelNames(LABELS)
                .setImageSpec(SPEC).setPublishedAt("2026-11-21T10:00:00.000Z").build();
        if (TLS) {
            FakeAggregator.shared().put(info, bytes);
        } else {
            // The test aggregator speaks mutual TLS only; a plaintext service takes the model from its cache.
            try (ModelCache.Entry entry = new ModelCache(Path.of(cacheDir)).begin(info.getOnnxSha256())) {
                entry.write(bytes);
                entry.commit();
            }
        }
        EventFeed.federationOpened(FED, LABELS, SPEC);
        EventFeed.modelPublished(info);
        Waiting.untilServed(FED, FED + "-v1");

        Random random = new Random(11);
        float[][] images = new float[256][784];
        for (float[] image : images) for (int i = 0; i < image.length; i++) image[i] = random.nextFloat();
        List<PredictRequest> requests = Arrays.stream(images).map(im -> PredictRequest.newBuilder().setFederationId(FED)
                .setTopK(1).setImage(TestImages.tensor(im, 1, 28, 28)).build()).toList();
        Map<float[], PredictRequest> byImage = new java.util.IdentityHashMap<>();
        for (int i = 0; i < images.length; i++) byImage.put(images[i], requests.get(i));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<String> out = new ArrayList<>();
        out.add(String.format("model: MLP 784-" + HIDDEN + "-10 (%d bytes), %d cores, %d concurrent callers, %d s per figure, "
                        + "service max-wait %s max-batch 64, intra-op threads 1, %s", bytes.length,
                Runtime.getRuntime().availableProcessors(), CALLERS, MEASURE_MS / 1000, System.getProperty("bench.max-wait", "2ms"),
                TLS ? "gRPC over mutual TLS as application:demo-app (credential checked per call)" : "PLAINTEXT gRPC, no credential check"));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession session = env.createSession(bytes, options)) {
                Call direct = image -> {
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(image), new long[] {1, 1, 28, 28});
                         OrtSession.Result r = session.run(Map.of("image", t))) {
                        assertEquals(10, ((float[][]) r.get(0).getValue())[0].length);
                    }
                };
                out.add(measure("in-process ORT, batch 1, 1 caller", 1, images, direct).line());
                out.add(measure("in-process ORT, batch 1, " + CALLERS + " callers", CALLERS, images, direct).line());
            }
        }
        ManagedChannel channel = TLS ? TestTls.applicationChannel()
                : NettyChannelBuilder.forAddress("127.0.0.1", TestTls.grpcPort()).usePlaintext().build();
        try {
            InferenceGrpc.InferenceBlockingStub grpc = InferenceGrpc.newBlockingStub(channel);
            Call viaService = image -> assertEquals(FED + "-v1",
                    grpc.withDeadlineAfter(30, TimeUnit.SECONDS).predict(byImage.get(image)).getModelVersion());
            out.add(measure("gRPC Predict via service, 1 caller", 1, images, viaService).line());
            out.add(measure("gRPC Predict via service, " + CALLERS + " callers", CALLERS, images, viaService).line());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        double calls = ScrapedMetrics.sum("fedfactory_inference_batch_size_count", "federation=\"" + FED + "\"");
        double imagesRun = ScrapedMetrics.sum("fedfactory_inference_batch_size_sum", "federation=\"" + FED + "\"");
        out.add(String.format("service: %.0f images in %.0f ONNX Runtime calls (mean batch %.2f, largest %.0f)", imagesRun,
                calls, imagesRun / calls, ScrapedMetrics.sum("fedfactory_inference_batch_size_max", "federation=\"" + FED + "\"")));
        out.forEach(System.out::println);
        Files.write(Path.of("target", "serving-benchmark.txt"), out, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
