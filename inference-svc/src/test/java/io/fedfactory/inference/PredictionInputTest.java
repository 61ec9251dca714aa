package io.fedfactory.inference;

import java.util.Map;
import io.fedfactory.proto.errors.TypedErrors;
import com.google.rpc.ErrorInfo;
import com.google.protobuf.ByteString;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.ImageInput;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.PredictBatchRequest;
import io.fedfactory.proto.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.fedfactory.inference.TestClassifiers.ROWS_V1;
import static io.fedfactory.inference.TestClassifiers.info;
import static io.fedfactory.inference.TestClassifiers.rowClassifier;
import static io.fedfactory.inference.TestClassifiers.rowImage;
import static io.fedfactory.inference.TestTls.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed request is refused at the boundary with a message naming the field and the limit. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@Order(3)
class PredictionInputTest {

    static final String FED = "fed-inputs";
    static final String PREDICT = "/v1/federations/" + FED + "/predict";
    static ManagedChannel channel;
    static InferenceGrpc.InferenceBlockingStub grpc;

    /** Called by each test rather than in @BeforeAll, which may run before the application is up. */
    static synchronized void serveOneModel() {
        if (channel != null) return;
        channel = TestTls.applicationChannel();
        grpc = InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        byte[] bytes = rowClassifier(ROWS_V1);
        FakeAggregator.shared().put(info(FED, 1, bytes), bytes);
        EventFeed.federationOpened(FED);
        EventFeed.modelPublished(info(FED, 1, bytes));
        Waiting.untilServed(FED, "fed-inputs-v1");
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        if (channel != null) channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static PredictRequest.Builder request(ImageInput image) {
        return PredictRequest.newBuilder().setFederationId(FED).setImage(image);
    }

    /** The call fails with {@code code}, ErrorInfo {@code reason} and metadata {@code field} (and {@code limit}, unless null). */
    static void refused(Status.Code code, Executable call, String reason, String field, String limit) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(reason, TypedErrors.reason(e), e.getStatus().toString());
        Map<String, String> expected = limit == null ? Map.of(TypedErrors.FIELD, field)
                : Map.of(TypedErrors.FIELD, field, TypedErrors.LIMIT, limit);
        assertEquals(expected, TypedErrors.info(e).orElseThrow().getMetadataMap(), e.getStatus().toString());
    }

    @Test
    void malformedTensorsAreRefusedOverGrpcNamingTheFieldAndTheLimit() {
        serveOneModel();
        float[] good = rowImage(1, 1, 0);
        Status.Code invalid = Status.Code.INVALID_ARGUMENT;
        refused(invalid, () -> grpc.predict(request(TestImages.tensor(good, 4, 4, 1)).build()),
                "SHAPE", "image.tensor.shape", "[1, 4, 4]");
        refused(invalid, () -> grpc.predict(request(TestImages.tensor(Arrays.copyOf(good, 15), 1, 4, 4)).build()),
                "VALUE_COUNT", "image.tensor.values", "16");
        float[] nan = good.clone();
        nan[5] = Float.NaN;
        refused(invalid, () -> grpc.predict(request(TestImages.tensor4x4(nan)).build()), "NOT_FINITE", "image.tensor.values[5]", "finite");
        float[] inf = good.clone();
        inf[2] = Float.NEGATIVE_INFINITY;
        refused(invalid, () -> grpc.predict(request(TestImages.tensor4x4(inf)).build()), "NOT_FINITE", "image.tensor.values[2]", "finite");
        float[] high = good.clone();
        high[3] = 1.5f;
        refused(invalid, () -> grpc.predict(request(TestImages.tensor4x4(high)).build()),
                "VALUE_RANGE", "image.tensor.values[3]", "[0.0, 1.0]");
        refused(invalid, () -> grpc.predict(PredictRequest.newBuilder().setFederationId(FED).build()), "INVALID_INPUT", "image", null);
        refused(invalid, () -> grpc.predict(request(TestImages.tensor4x4(good)).setTopK(4).build()), "TOP_K", "top_k", "1..3");
        refused(invalid, () -> grpc.predict(request(TestImages.tensor4x4(good)).setTopK(-1).build()), "TOP_K", "top_k", "1..3");
        PredictBatchRequest.Builder tooMany = PredictBatchRequest.newBuilder().setFederationId(FED);
        for (int i = 0; i < 17; i++) tooMany.addImages(TestImages.tensor4x4(good));
        refused(invalid, () -> grpc.predictBatch(tooMany.build()), "MAX_BATCH", "images", "fedfactory.inference.max-batch=16");
        refused(invalid, () -> grpc.predictBatch(PredictBatchRequest.newBuilder().setFederationId(FED)
                .addImages(TestImages.tensor4x4(good)).addImages(TestImages.tensor4x4(nan)).build()),
                "NOT_FINITE", "images[1].tensor.values[5]", "finite");
        refused(invalid, () -> grpc.predictBatch(PredictBatchRequest.newBuilder().setFederationId(FED).build()),
                "INVALID_INPUT", "images", null);
    }

    @Test
    void badPngsAreRefusedOverGrpc() {
        serveOneModel();
        Status.Code invalid = Status.Code.INVALID_ARGUMENT;
        refused(invalid, () -> grpc.predict(request(TestImages.png("GIF89a not a png".getBytes())).build()),
                "NOT_PNG", "image.png", "PNG");
        byte[] truncated = Arrays.copyOf(TestImages.grayPng(rowImage(1, 1, 0), 4, 4), 30);
        refused(invalid, () -> grpc.predict(request(TestImages.png(truncated)).build()), "NOT_PNG", "image.png", "PNG");
        byte[] big = TestImages.grayPng(new float[25], 5, 5);
        refused(invalid, () -> grpc.predict(request(TestImages.png(big)).build()), "IMAGE_SIZE", "image.png", "4x4");
        byte[] wide = TestImages.rgbPng(new int[8], 4, 2);
        refused(invalid, () -> grpc.predict(request(TestImages.png(wide)).build()), "IMAGE_SIZE", "image.png", "4x4");
        byte[] huge = new byte[70_000];
        System.arraycopy(TestImages.grayPng(rowImage(1, 1, 0), 4, 4), 0, huge, 0, 8);
        refused(invalid, () -> grpc.predict(request(ImageInput.newBuilder().setPng(ByteString.copyFrom(huge)).build()).build()),
                "MAX_BODY_BYTES", "image.png", "fedfactory.inference.max-body-bytes=65536");
    }

    @Test
    void unknownFederationsAndVersionsAreRefusedOverGrpc() {
        serveOneModel();
        ImageInput image = TestImages.tensor4x4(rowImage(1, 1, 0));
        refused(Status.Code.NOT_FOUND, () -> grpc.predict(PredictRequest.newBuilder().setFederationId("fed-nowhere")
                .setImage(image).build()), "UNKNOWN_FEDERATION", "federation_id", null);
        refused(Status.Code.FAILED_PRECONDITION, () -> grpc.predict(request(image).setRequiredVersion("fed-inputs-v9").build()),
                "VERSION_CONFLICT", "required_version", null);
        // With a second federation served, the id cannot be left out.
        byte[] other = rowClassifier(new int[] {3, 2, 1});
        FakeAggregator.shared().put(info("fed-inputs-other", 1, other), other);
        EventFeed.federationOpened("fed-inputs-other");
        EventFeed.modelPublished(info("fed-inputs-other", 1, other));
        Waiting.untilServed("fed-inputs-other", "fed-inputs-other-v1");
        refused(Status.Code.INVALID_ARGUMENT, () -> grpc.predict(PredictRequest.newBuilder().setImage(image).build()),
                "INVALID_INPUT", "federation_id", null);
    }

    @Test
    void refusalsAreTypedWithTheirReasonFieldAndLimit() {
        serveOneModel();
        float[] good = rowImage(1, 1, 0);
        PredictBatchRequest.Builder tooMany = PredictBatchRequest.newBuilder().setFederationId(FED);
        for (int i = 0; i < 17; i++) tooMany.addImages(TestImages.tensor4x4(good));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.predictBatch(tooMany.build()));
        ErrorInfo info = TypedErrors.info(e).orElseThrow();
        assertEquals("MAX_BATCH", info.getReason());
        assertEquals(Map.of("field", "images", "limit", "fedfactory.inference.max-batch=16"), info.getMetadataMap());
        e = assertThrows(StatusRuntimeException.class, () -> grpc.predict(PredictRequest.newBuilder()
                .setFederationId("fed-nowhere").setImage(TestImages.tensor4x4(good)).build()));
        assertEquals("UNKNOWN_FEDERATION", TypedErrors.reason(e));

        // REST: the same reason, and the JSON body even where no endpoint takes the media type (415).
        given().contentType("application/json").body(TestImages.json4x4(good)).queryParam("required_version", "fed-inputs-v0")
                .post(PREDICT).then().statusCode(409).body("reason", equalTo("VERSION_CONFLICT"));
        given().contentType("text/plain").body("a picture").post(PREDICT).then().statusCode(415)
                .body("reason", equalTo("MEDIA_TYPE")).body("field", equalTo("Content-Type")).body("limit", equalTo("image/png or application/json"));
        // Over quarkus.http.limits.max-body-size (128K here), where Quarkus itself answers: 413, with the JSON body too.
        given().contentType("image/png").body(new byte[200_000]).post(PREDICT).then().statusCode(413)
                .body("reason", equalTo("MAX_BODY_BYTES")).body("field", equalTo("body"))
                .body("limit", equalTo("quarkus.http.limits.max-body-size=128K"));
    }

    @Test
    void malformedRestRequestsAreRefusedNamingTheField() {
        serveOneModel();
        String good = TestImages.json4x4(rowImage(1, 1, 0));
        given().contentType("application/json").body(good.replace("0.0,", "NaN,"))
                .post(PREDICT).then().statusCode(400).body("field", equalTo("tensor[0]")).body("reason", equalTo("NOT_FINITE"))
                .body("code", equalTo("INVALID_ARGUMENT"));
        given().contentType("application/json").body(good.replace("1.0,", "1e40,"))
                .post(PREDICT).then().statusCode(400).body("field", startsWith("tensor[")).body("reason", equalTo("NOT_FINITE"));
        given().contentType("application/json").body(good.replace("[1,4,4]", "[1,16]"))
                .post(PREDICT).then().statusCode(400).body("field", equalTo("shape")).body("reason", equalTo("SHAPE")).body("limit", equalTo("[1, 4, 4]"));
        given().contentType("application/json").body(good.replace("1.0,", "-0.5,"))
                .post(PREDICT).then().statusCode(400).body("reason", equalTo("VALUE_RANGE")).body("limit", equalTo("[0.0, 1.0]"));
        given().contentType("application/json").body("{\"tensor\": [1, 2,").post(PREDICT).then().statusCode(400)
                .body("field", equalTo("body")).body("reason", equalTo("NOT_JSON"));
        given().contentType("application/json").body("{\"shape\": [1, 4, 4]}").post(PREDICT).then().statusCode(400)
                .body("field", equalTo("tensor"));
        given().contentType("application/json").body(good).queryParam("top_k", 0).post(PREDICT).then().statusCode(400)
                .body("field", equalTo("top_k")).body("reason", equalTo("TOP_K")).body("limit", equalTo("1..3"));
        given().contentType("application/json").body(good).queryParam("top_k", "two").post(PREDICT).then().statusCode(400)
                .body("field", equalTo("top_k"));
        given().contentType("image/png").body(TestImages.grayPng(new float[36], 6, 6)).post(PREDICT).then().statusCode(400)
                .body("field", equalTo("body (image/png)")).body("reason", equalTo("IMAGE_SIZE")).body("limit", equalTo("4x4"));
        given().contentType("image/png").body(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}).post(PREDICT).then().statusCode(400)
                .body("reason", equalTo("NOT_PNG"));
        given().contentType("image/png").body(new byte[70_000]).post(PREDICT).then().statusCode(400)
                .body("field", equalTo("body")).body("reason", equalTo("MAX_BODY_BYTES"))
                .body("limit", equalTo("fedfactory.inference.max-body-bytes=65536"));
        given().contentType("application/json").body("[" + good + ",{\"tensor\":[\"x\"],\"shape\":[1,4,4]}]")
                .post("/v1/federations/" + FED + "/predict-batch").then().statusCode(400).body("field", equalTo("[1].tensor[0]"));
        given().contentType("application/json").body(good).post("/v1/federations/" + FED + "/predict-batch")
                .then().statusCode(400).body("field", equalTo("body"));
        given().contentType("application/json").body(good).post("/v1/federations/fed-nowhere/predict")
                .then().statusCode(404).body("field", equalTo("federation_id"));
        given().contentType("application/json").body(good).queryParam("required_version", "fed-inputs-v0")
                .post(PREDICT).then().statusCode(409).body("field", equalTo("required_version"));
        assertTrue(ScrapedMetrics.sum("fedfactory_prediction_refusals_total", "transport=\"rest\"", "code=\"invalid_argument\"") >= 12);
    }
}
