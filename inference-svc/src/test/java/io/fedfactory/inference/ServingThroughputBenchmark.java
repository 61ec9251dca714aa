package io.fedfactory.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.inference.security.ServiceTls;
import io.fedfactory.onnx.OnnxGraphBuilder;
import io.fedfactory.perf.PerfPart;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.LabelScore;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.Prediction;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.proto.v1.PredictResponse;
import io.fedfactory.security.CredentialFiles;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving part of {@code bench/perf}: batch-1 predictions through the service against the bare
 * engines on the same model and payload, both over mutual TLS as {@code application:demo-app}:
 * gRPC {@code Predict} against a bare grpc-java server whose handler calls an ONNX Runtime session of
 * the same model with the same options, and REST {@code POST .../predict} (JSON tensor) against a bare
 * Vert.x route doing the same. 1 and {@code bench.callers} callers; each figure is measured in
 * {@code bench.rounds} rounds, bare and service back to back, so the machine's load hits both.
 * Not part of the default suite; run with {@code bench/perf} or
 * {@code ../mvnw -q test -Dtest=ServingThroughputBenchmark -Dfedfactory.bench=true}
 * (-Dbench.max-wait=2ms, -Dbench.callers=N, -Dbench.hidden=N, -Dbench.measure-ms=N, -Dbench.rounds=N).
 * Writes {@code serving.json} under {@value PerfPart#OUT_PROPERTY} (default target/perf).
 */
@QuarkusTest
@TestProfile(ServingThroughputBenchmark.ServiceDefaults.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@EnabledIfSystemProperty(named = "fedfactory.bench", matches = "true")
class ServingThroughputBenchmark {

    /** The shipped batching settings (src/main/resources) rather than the test suite's; -Dbench.max-wait overrides. */
    public static class ServiceDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fedfactory.inference.max-batch", SHIPPED.getProperty("fedfactory.inference.max-batch"),
                    "fedfactory.inference.max-wait", MAX_WAIT);
        }
    }

    static final java.util.Properties SHIPPED = shipped();
    static final String MAX_WAIT = System.getProperty("bench.max-wait", SHIPPED.getProperty("fedfactory.inference.max-wait"));

    private static java.util.Properties shipped() {
        java.util.Properties p = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    static final String FED = "fed-bench";
    static final ImageSpec SPEC = ImageSpec.newBuilder().setChannels(1).setHeight(28).setWidth(28).setValueMax(1).build();
    static final List<String> LABELS = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
    static final int CALLERS = Integer.getInteger("bench.callers", 16);
    static final long WARMUP_MS = 2_000;
    static final long MEASURE_MS = Long.getLong("bench.measure-ms", 3_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

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

    record Figures(long calls, double seconds, long[] latenciesNanos) {
        double throughput() {
            return calls / seconds;
        }

        double p(double q) {
            return PerfPart.percentileMs(latenciesNanos, q);
        }
    }

    interface Call {
        void run(int image) throws Exception;
    }

    /** {@code threads} callers each calling in a loop for {@code ms}. */
    static Figures measure(int threads, long ms, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            long[] endAt = new long[1];
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * 37;
                results.add(pool.submit((Callable<long[]>) () -> {
                    start.await();
                    long[] lat = new long[1 << 14];
                    int n = 0;
                    while (System.nanoTime() < endAt[0]) {
                        long t0 = System.nanoTime();
                        call.run((offset + n) % IMAGES);
                        long dt = System.nanoTime() - t0;
                        if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
                        lat[n++] = dt;
                    }
                    return Arrays.copyOf(lat, n);
                }));
            }
            long t0 = System.nanoTime();
            endAt[0] = t0 + TimeUnit.MILLISECONDS.toNanos(ms);
            start.countDown();
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : results) all.add(f.get(ms + 60_000, TimeUnit.MILLISECONDS));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
            return new Figures(merged.length, seconds, merged);
        } finally {
            pool.shutdownNow();
        }
    }

    static final int IMAGES = 256;

    /** The bare engine's answer: ONNX Runtime on the pixels, the top label. */
    static final class BareModel {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;

        BareModel(byte[] onnx) throws Exception {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                // The service's settings: 1 intra-op thread, no spinning.
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                session = env.createSession(onnx, options);
            }
        }

        int top(float[] pixels) throws Exception {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {1, 1, 28, 28});
                 OrtSession.Result r = session.run(Map.of("image", t))) {
                float[] row = ((float[][]) r.get(0).getValue())[0];
                int best = 0;
                for (int k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
                return best;
            }
        }
    }

    /** A bare grpc-java server over mutual TLS (client certificate required) answering Predict from {@code model}. */
    static Server bareGrpc(BareModel model, CredentialFiles f) throws Exception {
        InferenceGrpc.InferenceImplBase handler = new InferenceGrpc.InferenceImplBase() {
            @Override
            public void predict(PredictRequest request, StreamObserver<PredictResponse> response) {
                try {
                    var t = request.getImage().getTensor();
                    float[] pixels = new float[t.getValuesCount()];
                    for (int i = 0; i < pixels.length; i++) pixels[i] = t.getValues(i);
                    int best = model.top(pixels);
                    response.onNext(PredictResponse.newBuilder().setModelVersion("bare").setPrediction(Prediction.newBuilder()
                            .addTop(LabelScore.newBuilder().setLabel(LABELS.get(best)).setIndex(best))).build());
                    response.onCompleted();
                } catch (Exception e) {
                    response.onError(io.grpc.Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
                }
            }
        };
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(f.certificate().toFile(), f.privateKey().toFile())
                        .trustManager(f.trustedCa().toFile()).clientAuth(ClientAuth.REQUIRE).build())
                .addService(handler).build().start();
    }

    /** A bare Vert.x route over mutual TLS: the same JSON body in, the top label out. */
    static HttpServer bareVertx(Vertx vertx, BareModel model, CredentialFiles f) throws Exception {
        Router router = Router.router(vertx);
        router.post("/predict").handler(BodyHandler.create()).handler(ctx -> {
            try {
                JsonArray values = ctx.body().asJsonObject().getJsonArray("tensor");
                float[] pixels = new float[values.size()];
                for (int i = 0; i < pixels.length; i++) pixels[i] = values.getNumber(i).floatValue();
                int best = model.top(pixels);
                ctx.json(new JsonObject().put("top", new JsonArray().add(new JsonObject().put("label", LABELS.get(best))
                        .put("index", best))));
            } catch (Exception e) {
                ctx.fail(e);
            }
        });
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(f.certificate().toString())
                        .setKeyPath(f.privateKey().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(f.trustedCa().toString()))
                .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED);
        return vertx.createHttpServer(options).requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    static ManagedChannel channel(int port) throws Exception {
        var client = TestTls.credential(TestTls.APPLICATION);
        return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(GrpcSslContexts.forClient()
                .trustManager(TestTls.caCertificate()).keyManager(client.privateKey(), client.certificate()).build()).build();
    }

    static String json(float[] image) {
        StringBuilder s = new StringBuilder("{\"tensor\":[");
        for (int i = 0; i < image.length; i++) s.append(i == 0 ? "" : ",").append(image[i]);
        return s.append("],\"shape\":[1,28,28]}").toString();
    }

    @Test
    void servingAgainstTheBareEngines() throws Exception {
        byte[] bytes = mlp();
        ModelVersionInfo info = ModelVersionInfo.newBuilder().setVersion(FED + "-v1").setFederationId(FED)
                .setOnnxSha256(TestClassifiers.sha256(bytes)).setSizeBytes(bytes.length).addAllLabelNames(LABELS)
                .setImageSpec(SPEC).setPublishedAt("2026-11-21T10:00:00.000Z").build();
        FakeAggregator.shared().put(info, bytes);
        EventFeed.federationOpened(FED, LABELS, SPEC);
        EventFeed.modelPublished(info);
        Waiting.untilServed(FED, FED + "-v1");

        Random random = new Random(11);
        float[][] images = new float[IMAGES][784];
        for (float[] image : images) for (int i = 0; i < image.length; i++) image[i] = random.nextFloat();
        PredictRequest[] requests = new PredictRequest[IMAGES];
        String[] bodies = new String[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            requests[i] = PredictRequest.newBuilder().setFederationId(FED).setTopK(1)
                    .setImage(TestImages.tensor(images[i], 1, 28, 28)).build();
            bodies[i] = json(images[i]);
        }

        CredentialFiles serviceFiles = TestTls.files(ServiceTls.IDENTITY);
        BareModel model = new BareModel(bytes);
        Vertx vertx = Vertx.vertx();
        Server bareServer = bareGrpc(model, serviceFiles);
        HttpServer bareHttp = bareVertx(vertx, model, serviceFiles);
        ManagedChannel bareChannel = channel(bareServer.getPort());
        ManagedChannel serviceChannel = TestTls.applicationChannel();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestTls.sslContext(TestTls.credential(TestTls.APPLICATION))).build();
        try {
            InferenceGrpc.InferenceBlockingStub bareStub = InferenceGrpc.newBlockingStub(bareChannel);
            InferenceGrpc.InferenceBlockingStub ourStub = InferenceGrpc.newBlockingStub(serviceChannel);
            Call grpcBare = i -> assertEquals("bare", bareStub.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predict(requests[i]).getModelVersion());
            Call grpcOurs = i -> assertEquals(FED + "-v1", ourStub.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predict(requests[i]).getModelVersion());
            URI bareUri = URI.create("https://127.0.0.1:" + bareHttp.actualPort() + "/predict");
            URI ourUri = URI.create("https://127.0.0.1:" + TestTls.httpsPort() + "/v1/federations/" + FED + "/predict?top_k=1");
            Call restBare = i -> post(http, bareUri, bodies[i]);
            Call restOurs = i -> post(http, ourUri, bodies[i]);

            PerfPart part = new PerfPart("serving");
            part.setting("model", "MLP 784-" + HIDDEN + "-10 (" + bytes.length + " bytes), batch-1 requests, top 1");
            part.setting("transport", "mutual TLS as application:demo-app on loopback, both sides; the service checks the "
                    + "caller's role on every call, the bare servers only require a certificate");
            part.setting("onnxRuntime", "1 intra-op thread, no spinning, on both sides");
            part.setting("serviceBatching", "max-wait " + MAX_WAIT + ", max-batch " + SHIPPED.getProperty("fedfactory.inference.max-batch"));
            part.setting("perFigure", ROUNDS + " rounds of " + MEASURE_MS + " ms, bare and service back to back");
            String[] names = {"gRPC Predict", "REST predict (JSON tensor)"};
            Call[][] pairs = {{grpcBare, grpcOurs}, {restBare, restOurs}};
            for (Call[] pair : pairs) {
                for (Call c : pair) {
                    measure(1, WARMUP_MS / 2, c);
                    measure(CALLERS, WARMUP_MS / 2, c);
                }
            }
            for (int callers : new int[] {1, CALLERS}) {
                for (int p = 0; p < pairs.length; p++) {
                    double[][] bare = new double[3][ROUNDS];
                    double[][] ours = new double[3][ROUNDS];
                    for (int r = 0; r < ROUNDS; r++) {
                        // Alternate which goes first, so a load trend does not favour one side.
                        boolean bareFirst = r % 2 == 0;
                        Figures a = measure(callers, MEASURE_MS, pairs[p][bareFirst ? 0 : 1]);
                        Figures b = measure(callers, MEASURE_MS, pairs[p][bareFirst ? 1 : 0]);
                        Figures fb = bareFirst ? a : b;
                        Figures fo = bareFirst ? b : a;
                        bare[0][r] = fb.p(0.5);
                        bare[1][r] = fb.p(0.99);
                        bare[2][r] = fb.throughput();
                        ours[0][r] = fo.p(0.5);
                        ours[1][r] = fo.p(0.99);
                        ours[2][r] = fo.throughput();
                    }
                    String what = names[p] + ", " + callers + (callers == 1 ? " caller" : " callers");
                    boolean grpc = p == 0;
                    part.compare(what, "p50", "ms", bare[0], ours[0], false, grpc && callers == 1 ? 1.5 : null);
                    part.compare(what, "p99", "ms", bare[1], ours[1], false, null);
                    part.compare(what, "throughput", "img/s", bare[2], ours[2], true, grpc && callers > 1 ? 0.8 : null);
                    if (grpc && callers > 1) part.absolute(what, "p99 (service)", "ms", ours[1], 10.0);
                }
            }
            double calls = ScrapedMetrics.sum("fedfactory_inference_batch_size_count", "federation=\"" + FED + "\"");
            double imagesRun = ScrapedMetrics.sum("fedfactory_inference_batch_size_sum", "federation=\"" + FED + "\"");
            part.setting("serviceMeanBatch", imagesRun / calls);
            System.out.println("serving figures: " + part.write(Path.of("target", "perf")));
        } finally {
            bareChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            serviceChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            bareServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void post(HttpClient http, URI uri, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"label\""), r.body());
    }
}
