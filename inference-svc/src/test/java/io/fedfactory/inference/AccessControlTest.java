package io.fedfactory.inference;

import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.PredictRequest;
import io.fedfactory.proto.v1.PredictResponse;
import io.fedfactory.security.Credential;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.fedfactory.inference.TestClassifiers.ROWS_V1;
import static io.fedfactory.inference.TestClassifiers.info;
import static io.fedfactory.inference.TestClassifiers.rowClassifier;
import static io.fedfactory.inference.TestClassifiers.rowImage;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may predict: only callers whose certificate the service's CA issued, still valid, with role
 * application or service; over TLS only. Every refusal leaves the served model answering the caller
 * that is allowed.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@Order(5)
class AccessControlTest {

    static final String FED = "fed-access";
    static final String PREDICT = "/v1/federations/" + FED + "/predict";
    private static boolean served;

    static synchronized void serveOneModel() {
        if (served) return;
        byte[] bytes = rowClassifier(ROWS_V1);
        FakeAggregator.shared().put(info(FED, 1, bytes), bytes);
        EventFeed.federationOpened(FED);
        EventFeed.modelPublished(info(FED, 1, bytes));
        Waiting.untilServed(FED, "fed-access-v1");
        served = true;
    }

    static PredictResponse predict(ManagedChannel channel) {
        try {
            return InferenceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .predict(PredictRequest.newBuilder().setFederationId(FED)
                            .setImage(TestImages.tensor4x4(rowImage(1, 1, 0))).build());
        } finally {
            channel.shutdownNow();
        }
    }

    static StatusRuntimeException grpcRefused(Supplier<ManagedChannel> channel) {
        return assertThrows(StatusRuntimeException.class, () -> predict(channel.get()));
    }

    /**
     * Refused over REST: the handshake fails, or, where the client's TLS stack withholds a certificate
     * the server's CA list does not name (a foreign CA's), the request arrives without one and gets 401.
     */
    static void restRefused(Credential client) {
        try {
            int status = TestTls.given(client).contentType("application/json")
                    .body(TestImages.json4x4(rowImage(1, 1, 0))).post(PREDICT).statusCode();
            assertEquals(401, status, "a request presenting a certificate the CA did not vouch for");
        } catch (Exception e) {
            assertTrue(e instanceof javax.net.ssl.SSLException || e instanceof java.net.SocketException, e.toString());
        }
    }

    @Test
    void anApplicationCertificateFromTheCaPredictsOverBothTransports() {
        serveOneModel();
        assertEquals("fed-access-v1", predict(TestTls.applicationChannel()).getModelVersion());
        TestTls.given().contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0))).post(PREDICT)
                .then().statusCode(200).body("modelVersion", equalTo("fed-access-v1"));
    }

    @Test
    void theModelWasDownloadedAsTheInferenceServiceOverMutualTls() {
        serveOneModel();
        assertEquals(java.util.Set.of("service:inference-svc"), FakeAggregator.shared().callers());
    }

    @Test
    void aSiteCertificateIsRefusedNamingTheRequiredRole() {
        serveOneModel();
        Credential site = TestTls.credential(TestTls.SITE);
        StatusRuntimeException e = grpcRefused(() -> TestTls.channel(site));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals("PERMISSION_DENIED", TypedErrors.reason(e));
        assertEquals(Map.of(TypedErrors.FIELD, "role", TypedErrors.LIMIT, "application or service"),
                TypedErrors.info(e).orElseThrow().getMetadataMap());
        TestTls.given(site).contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0))).post(PREDICT)
                .then().statusCode(403).body("code", equalTo("PERMISSION_DENIED")).body("reason", equalTo("PERMISSION_DENIED"))
                .body("field", equalTo("role")).body("limit", equalTo("application or service"));
        // A site may read nothing it was not given either way: the catalog needs only a federation certificate.
        TestTls.given(site).get("/v1/federations/" + FED).then().statusCode(200);
    }

    @Test
    void aClientWithoutCertificateIsRefused() {
        serveOneModel();
        StatusRuntimeException e = grpcRefused(() -> TestTls.channel(null));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        TestTls.given(null).contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0))).post(PREDICT)
                .then().statusCode(401).body("code", equalTo("UNAUTHENTICATED")).body("reason", equalTo("NO_CLIENT_CERTIFICATE"));
        // Ops tooling reads health and metrics over HTTPS without a certificate.
        TestTls.given(null).get("/q/health/live").then().statusCode(200);
        TestTls.given(null).get("/metrics").then().statusCode(200)
                .body(containsString("fedfactory_prediction_refusals_total"));
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedAtTheHandshake() {
        serveOneModel();
        StatusRuntimeException e = grpcRefused(() -> TestTls.channel(TestTls.foreign()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        restRefused(TestTls.foreign());
    }

    @Test
    void anExpiredCertificateIsRefusedAtTheHandshake() {
        serveOneModel();
        StatusRuntimeException e = grpcRefused(() -> TestTls.channel(TestTls.expired()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        restRefused(TestTls.expired());
    }

    @Test
    void plaintextIsRefusedOnBothTransports() {
        serveOneModel();
        StatusRuntimeException e = grpcRefused(() -> NettyChannelBuilder.forAddress("127.0.0.1", TestTls.grpcPort())
                .usePlaintext().build());
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        assertThrows(Exception.class, () -> RestAssured.given().baseUri("http://127.0.0.1").port(TestTls.httpsPort())
                .contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0))).post(PREDICT)
                .then().statusCode(200));
    }
}
