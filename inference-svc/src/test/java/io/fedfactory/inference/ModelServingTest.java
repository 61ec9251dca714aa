package io.fedfactory.inference;

import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.inference.serving.ServedModels;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.LabelScore;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.PredictBatchRequest;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.proto.v1.PredictResponse;
import io.fedfactory.proto.v1.Prediction;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.fedfactory.inference.TestClassifiers.ROWS_V1;
import static io.fedfactory.inference.TestClassifiers.ROWS_V2;
import static io.fedfactory.inference.TestClassifiers.expected;
import static io.fedfactory.inference.TestClassifiers.info;
import static io.fedfactory.inference.TestClassifiers.rowClassifier;
import static io.fedfactory.inference.TestClassifiers.rowImage;
import static io.fedfactory.inference.TestTls.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One federation's life through the real broker and a real ModelDownload server: publication,
 * download and verification, predictions over both transports, a swap under load, a tampered
 * version, a revocation while the successor is still downloading.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(1)
class ModelServingTest {

    static final String FED = "fed-serve";
    static final int[] ROWS_V4 = {1, 2, 0};
    static final byte[] V1 = rowClassifier(ROWS_V1);
    static final byte[] V2 = rowClassifier(ROWS_V2);
    static final byte[] V3 = rowClassifier(new int[] {0, 2, 1});
    static final byte[] V4 = rowClassifier(ROWS_V4);
    static final Duration WAIT = Duration.ofSeconds(60);

    static ManagedChannel channel;
    static InferenceGrpc.InferenceBlockingStub grpc;

    @Inject
    ServedModels served;

    @ConfigProperty(name = "fedfactory.inference.cache-dir")
    String cacheDir;

    @BeforeAll
    static void connect() {
        FakeAggregator.shared();
        channel = TestTls.applicationChannel();
        grpc = InferenceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static JsonPath federation(String id) {
        return given().get("/v1/federations/" + id).then().extract().jsonPath();
    }

    static void awaitServed(String federation, String version) {
        Waiting.untilServed(federation, version);
    }

    static PredictResponse predict(String federation, float[] image) {
        return grpc.withDeadlineAfter(30, TimeUnit.SECONDS).predict(PredictRequest.newBuilder()
                .setFederationId(federation).setImage(TestImages.tensor4x4(image)).build());
    }

    /** Every returned label's probability equals the reference computation. */
    static void assertMatches(float[] expected, Prediction prediction, int k) {
        assertEquals(k, prediction.getTopCount());
        float previous = Float.POSITIVE_INFINITY;
        for (LabelScore s : prediction.getTopList()) {
            assertEquals(TestClassifiers.LABELS.get(s.getIndex()), s.getLabel());
            assertEquals(expected[s.getIndex()], s.getProbability(), 1e-5, "probability of " + s.getLabel());
            assertTrue(s.getProbability() <= previous, "highest first");
            previous = s.getProbability();
        }
    }

    @Test
    @Order(1)
    void aPublishedVersionIsDownloadedVerifiedAndServedOverBothTransports() {
        ModelVersionInfo v1 = info(FED, 1, V1);
        FakeAggregator.shared().put(v1, V1);
        EventFeed.federationOpened(FED);
        EventFeed.modelPublished(v1);
        awaitServed(FED, "fed-serve-v1");
        assertEquals(1, FakeAggregator.shared().downloadsCompleted("fed-serve-v1"));
        assertTrue(Files.isRegularFile(Path.of(cacheDir, v1.getOnnxSha256() + ".onnx")), "verified bytes cached by hash");

        // Raw tensor over gRPC: row 1 is brightest, so "b".
        float[] image = rowImage(1, 0.9f, 0.1f);
        PredictResponse r = predict(FED, image);
        assertEquals("fed-serve-v1", r.getModelVersion());
        assertEquals("b", r.getPrediction().getTop(0).getLabel());
        assertMatches(expected(ROWS_V1, image), r.getPrediction(), 3);

        // A gray PNG over gRPC, top 2: 51/255 is exactly 0.2.
        float[] gray = rowImage(2, 1f, 0.2f);
        r = grpc.predict(PredictRequest.newBuilder().setFederationId(FED).setTopK(2)
                .setImage(TestImages.png(TestImages.grayPng(gray, 4, 4))).build());
        assertEquals("c", r.getPrediction().getTop(0).getLabel());
        assertMatches(expected(ROWS_V1, gray), r.getPrediction(), 2);

        // An RGB PNG becomes gray by luma: pure green (0.587) outweighs pure blue (0.114).
        int[] rgb = new int[16];
        for (int i = 0; i < 4; i++) {
            rgb[i] = 0x00ff00;
            rgb[4 + i] = 0x0000ff;
        }
        float[] luma = new float[16];
        for (int i = 0; i < 4; i++) {
            luma[i] = 0.587f;
            luma[4 + i] = 0.114f;
        }
        r = grpc.predict(PredictRequest.newBuilder().setFederationId(FED)
                .setImage(TestImages.png(TestImages.rgbPng(rgb, 4, 4))).build());
        assertEquals("a", r.getPrediction().getTop(0).getLabel());
        assertMatches(expected(ROWS_V1, luma), r.getPrediction(), 3);

        // One federation served: the id may be left out.
        assertEquals(Set.of(FED), served.federations());
        r = grpc.predict(PredictRequest.newBuilder().setImage(TestImages.tensor4x4(image)).build());
        assertEquals("fed-serve-v1", r.getModelVersion());
        assertEquals("b", r.getPrediction().getTop(0).getLabel());

        // A batch over gRPC answers in order.
        var batch = grpc.predictBatch(PredictBatchRequest.newBuilder().setFederationId(FED).setTopK(1)
                .addImages(TestImages.tensor4x4(rowImage(2, 1, 0))).addImages(TestImages.tensor4x4(rowImage(0, 1, 0)))
                .addImages(TestImages.tensor4x4(rowImage(1, 1, 0))).build());
        assertEquals("fed-serve-v1", batch.getModelVersion());
        assertEquals(List.of("c", "a", "b"), batch.getPredictionsList().stream().map(p -> p.getTop(0).getLabel()).toList());

        // REST: PNG body, JSON tensor, JSON batch.
        given().contentType("image/png").body(TestImages.grayPng(rowImage(0, 1f, 0f), 4, 4)).queryParam("top_k", 1)
                .post("/v1/federations/" + FED + "/predict").then().statusCode(200)
                .body("modelVersion", equalTo("fed-serve-v1")).body("top.size()", equalTo(1))
                .body("top[0].label", equalTo("a")).body("top[0].index", equalTo(0));
        float[] p = expected(ROWS_V1, image);
        JsonPath json = given().contentType("application/json").body(TestImages.json4x4(image))
                .post("/v1/federations/" + FED + "/predict").then().statusCode(200).extract().jsonPath();
        assertEquals("fed-serve-v1", json.getString("modelVersion"));
        assertEquals("b", json.getString("top[0].label"));
        assertEquals(p[1], json.getFloat("top[0].probability"), 1e-5);
        given().contentType("application/json").body("[" + TestImages.json4x4(rowImage(2, 1, 0)) + ","
                        + TestImages.json4x4(rowImage(0, 1, 0)) + "]")
                .post("/v1/federations/" + FED + "/predict-batch").then().statusCode(200)
                .body("modelVersion", equalTo("fed-serve-v1")).body("predictions.size()", equalTo(2))
                .body("predictions[0].top[0].label", equalTo("c")).body("predictions[1].top[0].label", equalTo("a"));
    }

    @Test
    @Order(2)
    void aNewerVersionSwapsInWhileRequestsKeepRunningAndEveryAnswerMatchesTheVersionItNames() throws Exception {
        ModelVersionInfo v2 = info(FED, 2, V2);
        FakeAggregator.shared().put(v2, V2);
        double swaps = ScrapedMetrics.sum("fedfactory_model_swaps_total", "federation=\"" + FED + "\"");
        AtomicBoolean stop = new AtomicBoolean();
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger byV1 = new AtomicInteger();
        AtomicInteger byV2 = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            Random random = new Random(t);
            callers.submit(() -> {
                while (!stop.get()) {
                    float[] image = new float[16];
                    for (int i = 0; i < 16; i++) image[i] = random.nextFloat();
                    try {
                        PredictResponse r = predict(FED, image);
                        boolean first = r.getModelVersion().equals("fed-serve-v1");
                        if (!first && !r.getModelVersion().equals("fed-serve-v2")) {
                            errors.add("answered by " + r.getModelVersion());
                            continue;
                        }
                        float[] want = expected(first ? ROWS_V1 : ROWS_V2, image);
                        for (LabelScore s : r.getPrediction().getTopList()) {
                            if (Math.abs(want[s.getIndex()] - s.getProbability()) > 1e-5) {
                                errors.add(r.getModelVersion() + " gave " + s + " for an image expecting " + want[s.getIndex()]);
                            }
                        }
                        (first ? byV1 : byV2).incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.add(e.toString());
                    }
                }
            });
        }
        try {
            Waiting.until(WAIT, () -> byV1.get() >= 20, () -> "load before the swap: " + Waiting.firstFew(errors));
            EventFeed.modelPublished(v2);
            awaitServed(FED, "fed-serve-v2");
            int atSwap = byV2.get();
            Waiting.until(WAIT, () -> byV2.get() >= atSwap + 20, () -> "load after the swap: " + Waiting.firstFew(errors));
        } finally {
            stop.set(true);
            callers.shutdown();
            assertTrue(callers.awaitTermination(60, TimeUnit.SECONDS));
        }
        assertTrue(errors.isEmpty(), "every request answered, by the version it names: " + Waiting.firstFew(errors));
        assertEquals(swaps + 1, ScrapedMetrics.sum("fedfactory_model_swaps_total", "federation=\"" + FED + "\""));
        float[] image = rowImage(0, 1, 0);
        assertEquals("c", predict(FED, image).getPrediction().getTop(0).getLabel(), "v2 reverses the rows");
    }

    @Test
    @Order(3)
    void aVersionWhoseBytesDoNotMatchTheirHashIsRefusedAndThePreviousOneKeepsServing() {
        ModelVersionInfo v3 = info(FED, 3, V3);
        byte[] tampered = V3.clone();
        tampered[tampered.length / 2] ^= 0x01;
        FakeAggregator.shared().put(v3, tampered);
        String failures = "fedfactory_model_download_failures_total";
        double before = ScrapedMetrics.sum(failures, "federation=\"" + FED + "\"", "reason=\"sha256\"");
        EventFeed.modelPublished(v3);
        Waiting.until(WAIT, () -> ScrapedMetrics.sum(failures, "federation=\"" + FED + "\"", "reason=\"sha256\"") > before,
                () -> "no sha256 failure counted: " + given().get("/v1/federations/" + FED).asString());
        JsonPath view = federation(FED);
        assertEquals("fed-serve-v2", view.getString("servedVersion"));
        assertEquals("fed-serve-v3", view.getString("currentVersion"));
        assertEquals("fed-serve-v3", view.getString("fetch.version"));
        assertTrue(view.getString("fetch.message").contains("onnx_sha256 is " + v3.getOnnxSha256()), given().get("/v1/federations/" + FED).asString());
        assertTrue(view.getString("fetch.message").contains("bytes hash to " + TestClassifiers.sha256(tampered)), given().get("/v1/federations/" + FED).asString());
        assertEquals("fed-serve-v2", predict(FED, rowImage(0, 1, 0)).getModelVersion());
        assertFalse(Files.exists(Path.of(cacheDir, v3.getOnnxSha256() + ".onnx")), "refused bytes are not cached");
        // Retried with backoff, refused each time.
        Waiting.until(WAIT, () -> FakeAggregator.shared().downloadsCompleted("fed-serve-v3") >= 2, () -> "no retry");
        assertEquals("fed-serve-v2", federation(FED).getString("servedVersion"));
    }

    @Test
    @Order(4)
    void aRevokedVersionStopsAnsweringBeforeItsSuccessorHasDownloadedAndNeverAnswersAgain() {
        FakeAggregator aggregator = FakeAggregator.shared();
        ModelVersionInfo v2 = info(FED, 2, V2);
        ModelVersionInfo v4 = info(FED, 4, V4);
        aggregator.put(v4, V4);
        aggregator.gate("fed-serve-v4");
        EventFeed.modelPublished(v4);
        Waiting.until(WAIT, () -> aggregator.downloadsStarted("fed-serve-v4") >= 1, () -> "v4 download never started");

        aggregator.revoke("fed-serve-v2");
        EventFeed.modelRevoked(FED, "fed-serve-v2", "site-b withdrew consent");
        Waiting.until(WAIT, () -> {
            try {
                predict(FED, rowImage(0, 1, 0));
                return false;
            } catch (StatusRuntimeException e) {
                return true;
            }
        }, () -> "v2 still answers");
        assertEquals(0, aggregator.downloadsCompleted("fed-serve-v4"), "refused while the successor was still downloading");
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> predict(FED, rowImage(0, 1, 0)));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertEquals("NOT_SERVED", TypedErrors.reason(refused));
        assertEquals(Map.of(TypedErrors.FIELD, "federation_id"), TypedErrors.info(refused).orElseThrow().getMetadataMap());
        given().contentType("application/json").body(TestImages.json4x4(rowImage(0, 1, 0)))
                .post("/v1/federations/" + FED + "/predict").then().statusCode(503)
                .body("reason", equalTo("NOT_SERVED")).body("code", equalTo("FAILED_PRECONDITION"));
        JsonPath view = federation(FED);
        assertEquals("revoked", view.getString("serving"));
        assertEquals("fed-serve-v2", view.getString("revokedVersion"));
        assertNull(view.getString("servedVersion"));

        // A replayed publication of the revoked version changes nothing.
        String published = "type=\"io.fedfactory.model.published\"";
        double consumed = ScrapedMetrics.sum("fedfactory_events_consumed_total", published);
        EventFeed.modelPublished(v2);
        Waiting.until(WAIT, () -> ScrapedMetrics.sum("fedfactory_events_consumed_total", published) > consumed,
                () -> "replay not consumed");
        assertEquals("revoked", federation(FED).getString("serving"));

        aggregator.open("fed-serve-v4");
        awaitServed(FED, "fed-serve-v4");
        PredictResponse r = predict(FED, rowImage(1, 1, 0));
        assertEquals("fed-serve-v4", r.getModelVersion());
        assertEquals("a", r.getPrediction().getTop(0).getLabel(), "v4 maps row 1 to a");
        assertEquals(1, aggregator.downloadsStarted("fed-serve-v2"), "the revoked version was never fetched again");

        // Asking for the revoked version by name is refused, naming it.
        StatusRuntimeException required = assertThrows(StatusRuntimeException.class, () -> grpc.predict(
                PredictRequest.newBuilder().setFederationId(FED).setRequiredVersion("fed-serve-v2")
                        .setImage(TestImages.tensor4x4(rowImage(1, 1, 0))).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, required.getStatus().getCode());
        assertEquals("VERSION_REVOKED", TypedErrors.reason(required));
        assertEquals(Map.of(TypedErrors.FIELD, "required_version"), TypedErrors.info(required).orElseThrow().getMetadataMap());
        given().contentType("application/json").queryParam("required_version", "fed-serve-v2")
                .body(TestImages.json4x4(rowImage(0, 1, 0))).post("/v1/federations/" + FED + "/predict")
                .then().statusCode(410).body("field", equalTo("required_version"));
        assertEquals("fed-serve-v4", grpc.predict(PredictRequest.newBuilder().setFederationId(FED)
                .setRequiredVersion("fed-serve-v4").setImage(TestImages.tensor4x4(rowImage(1, 1, 0))).build())
                .getModelVersion());

        // The revoked version's bytes leave the cache.
        Waiting.until(WAIT, () -> !Files.exists(Path.of(cacheDir, v2.getOnnxSha256() + ".onnx")),
                () -> "revoked bytes still cached");
        assertTrue(Files.exists(Path.of(cacheDir, info(FED, 4, V4).getOnnxSha256() + ".onnx")));
    }
}
