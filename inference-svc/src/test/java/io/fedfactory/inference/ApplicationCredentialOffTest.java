package io.fedfactory.inference;

import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.InferenceGrpc;
import io.fedfactory.proto.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.fedfactory.inference.TestClassifiers.rowImage;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** With the operator's switch off, a TLS client without any certificate may call for predictions. */
@QuarkusTest
@TestProfile(ApplicationCredentialOffTest.CredentialOff.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
@Order(9)
class ApplicationCredentialOffTest {

    public static class CredentialOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fedfactory.inference.require-application-credential", "false");
        }
    }

    /**
     * The federation is unknown here (this profile restarts the application without a model), so the
     * answer is NOT_FOUND: the call got past the credential check that answers UNAUTHENTICATED with the
     * switch on (AccessControlTest).
     */
    @Test
    void aTlsClientWithoutCertificateGetsPastTheCredentialCheck() {
        String fed = "fed-open";
        TestTls.given(null).contentType("application/json").body(TestImages.json4x4(rowImage(1, 1, 0)))
                .post("/v1/federations/" + fed + "/predict").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        ManagedChannel channel = TestTls.channel(null);
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> InferenceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS).predict(PredictRequest.newBuilder().setFederationId(fed)
                            .setImage(TestImages.tensor4x4(rowImage(1, 1, 0))).build()));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.getStatus().toString());
        } finally {
            channel.shutdownNow();
        }
    }
}
