package io.fedfactory.aggregator.access;

import io.fedfactory.proto.errors.TypedErrors;
import java.time.Duration;
import org.awaitility.Awaitility;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.ModuleFixtures;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.fedfactory.aggregator.fixtures.UploadCall;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoder;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.decoderManifest;
import static io.fedfactory.aggregator.fixtures.ModuleFixtures.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploads in flight per site and the per-identity request rate, with small limits. */
@QuarkusTest
@TestProfile(LimitsTest.SmallLimits.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class LimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fedfactory.upload.max-in-flight-per-site", "1",
                    "fedfactory.limits.requests-per-second", "0.2",
                    "fedfactory.limits.burst", "6");
        }
    }

    @Inject
    AggregatorStore store;

    @Test
    void aSecondUploadInFlightIsRefusedUntilTheFirstEnds() {
        String fed = "fed-limits";
        Clients.coordinator().createFederation(CreateFederationRequest.newBuilder().setSpec(ModuleFixtures.spec(fed)).build());
        byte[] first = decoder(601);
        byte[] second = decoder(602);
        UploadHeader h1 = header(fed, "inflight-first", decoderManifest(first, "site-b", "cat"), first.length);
        UploadHeader h2 = header(fed, "inflight-second", decoderManifest(second, "site-b", "dog"), second.length);
        UploadCall open = new UploadCall(Clients.upload("site-b"));
        open.sendRange(h1, first, 0, 1000, 1000);
        awaitStored(h1.getUploadId(), 1000);

        var e = assertThrows(StatusRuntimeException.class, () -> UploadCall.upload(h2, second, 0, 1000));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals("IN_FLIGHT", TypedErrors.reason(e));
        assertEquals(Map.of(TypedErrors.FIELD, "header.manifest.site_id", TypedErrors.VALUE, "site-b",
                TypedErrors.LIMIT, "fedfactory.upload.max-in-flight-per-site=1"), TypedErrors.info(e).orElseThrow().getMetadataMap());
        assertTrue(store.module(ModuleFixtures.sha256(second)).isEmpty());
        assertEquals(0, store.parts().length(h2.getUploadId()));

        // Another site is not held up, and once the first stream ends the site may upload again.
        UploadCall.upload(header(fed, "inflight-other", decoderManifest(decoder(603), "site-c", "owl"),
                decoder(603).length), decoder(603), 0, 1000);
        open.sendRange(null, first, 1000, first.length, 1000);
        open.complete();
        UploadReceipt r = UploadCall.upload(h2, second, 0, 1000);
        assertEquals(ModuleFixtures.sha256(second), r.getModuleId());
    }

    @Test
    void callsBeyondTheRateAreRefusedPerIdentity() {
        var auditor = Clients.auditor();
        var status = FederationStatusRequest.newBuilder().setFederationId("fed-rate").build();
        StatusRuntimeException refused = null;
        int calls = 0;
        while (refused == null && calls < 20) {
            calls++;
            try {
                auditor.getFederationStatus(status);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) refused = e;
                else assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
            }
        }
        assertTrue(refused != null && calls <= 8, "refused after the burst, got " + calls + " calls");
        assertEquals("REQUEST_RATE", TypedErrors.reason(refused));
        assertEquals(Map.of(TypedErrors.LIMIT, "fedfactory.limits.requests-per-second=0.2,fedfactory.limits.burst=6"),
                TypedErrors.info(refused).orElseThrow().getMetadataMap());
        // Another identity has its own bucket.
        var e = assertThrows(StatusRuntimeException.class, () -> Clients.coordinator().getFederationStatus(status));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    private void awaitStored(String uploadId, long bytes) {
        Awaitility.await("upload " + uploadId + " reaches " + bytes + " bytes").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(() -> store.parts().length(uploadId) >= bytes);
    }
}
