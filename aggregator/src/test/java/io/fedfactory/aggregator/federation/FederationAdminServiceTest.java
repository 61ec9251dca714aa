package io.fedfactory.aggregator.federation;

import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.deploy.kafka.SharedKafkaBroker;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.ClosePolicy;
import io.fedfactory.proto.v1.CreateFederationRequest;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.fedfactory.aggregator.fixtures.Clients;
import io.fedfactory.aggregator.fixtures.TestPki;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import io.fedfactory.aggregator.fixtures.Https;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TestPki.class)
class FederationAdminServiceTest {

    FederationAdminGrpc.FederationAdminBlockingStub admin = Clients.coordinator();

    static FederationSpec spec(String id) {
        return FederationSpec.newBuilder()
                .setFederationId(id)
                .addAllLabelNames(List.of("melanoma", "nevus", "keratosis"))
                .setImageSpec(ImageSpec.newBuilder().setChannels(1).setHeight(28).setWidth(28).setValueMin(0).setValueMax(1))
                .addAcceptedKinds(ModuleKind.MODULE_KIND_DECODER)
                .setSamplesPerClass(100)
                .setSeed(7)
                .setClosePolicy(ClosePolicy.newBuilder().setManual(true))
                .build();
    }

    @Test
    void creatingAFederationPublishesFederationOpened() {
        FederationStatus status = admin.createFederation(CreateFederationRequest.newBuilder().setSpec(spec("fed-a")).build());
        assertEquals(FederationState.FEDERATION_STATE_OPEN, status.getState());
        assertEquals(3, status.getUncoveredClassesCount());
        // Creating the same spec again is a no-op, not an error.
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(spec("fed-a")).build());

        ConsumerRecord<String, byte[]> record = firstRecord("fedfactory.federations", "fed-a");
        Event event = parse(record.value());
        assertEquals("io.fedfactory.federation.opened", event.getHeader().getType());
        assertEquals("fed-a", event.getHeader().getFederationId());
        assertEquals(spec("fed-a"), event.getFederationOpened().getSpec());
        assertEquals(event.getHeader().getId(),
                new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8));
        assertEquals("io.fedfactory.federation.opened",
                new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8));
        // events.proto: "/aggregator/<host>".
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException ex) {
            throw new AssertionError(ex);
        }
        assertEquals("/aggregator/" + host, event.getHeader().getSource());
        assertEquals("/aggregator/" + host, new String(record.headers().lastHeader("ce_source").value(), StandardCharsets.UTF_8));
    }

    @Test
    void badSpecsAreRefusedNamingTheField() {
        var tooFewLabels = spec("fed-b").toBuilder().clearLabelNames().addLabelNames("only").build();
        var e = assertThrows(StatusRuntimeException.class,
                () -> admin.createFederation(CreateFederationRequest.newBuilder().setSpec(tooFewLabels).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("INVALID_SPEC", TypedErrors.reason(e));
        assertEquals(Map.of(TypedErrors.FIELD, "spec.label_names", TypedErrors.VALUE, "1", TypedErrors.LIMIT, "[2, 1000]"),
                TypedErrors.info(e).orElseThrow().getMetadataMap());

        var badChannels = spec("fed-b").toBuilder().setImageSpec(spec("x").getImageSpec().toBuilder().setChannels(2)).build();
        e = assertThrows(StatusRuntimeException.class,
                () -> admin.createFederation(CreateFederationRequest.newBuilder().setSpec(badChannels).build()));
        assertEquals("INVALID_SPEC", TypedErrors.reason(e));
        assertEquals(Map.of(TypedErrors.FIELD, "spec.image_spec.channels", TypedErrors.VALUE, "2", TypedErrors.LIMIT, "1 or 3"),
                TypedErrors.info(e).orElseThrow().getMetadataMap());

        e = assertThrows(StatusRuntimeException.class,
                () -> admin.getFederationStatus(FederationStatusRequest.newBuilder().setFederationId("fed-b").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("UNKNOWN_FEDERATION", TypedErrors.reason(e));
    }

    @Test
    void aTakenIdWithAnotherSpecIsRefused() {
        admin.createFederation(CreateFederationRequest.newBuilder().setSpec(spec("fed-c")).build());
        var other = spec("fed-c").toBuilder().setSeed(8).build();
        var e = assertThrows(StatusRuntimeException.class,
                () -> admin.createFederation(CreateFederationRequest.newBuilder().setSpec(other).build()));
        assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
    }

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @Test
    void healthAndMetricsAreExposedOverHttpsWithoutAClientCertificate() throws Exception {
        Https.given(https).when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body(containsString("gRPC server"));
        Https.given(https).when().get("/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        // No plaintext HTTP: the port speaks TLS only.
        assertThrows(IOException.class, () -> {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + https.getPort() + "/q/health").openConnection();
            c.setReadTimeout(10_000);
            c.getResponseCode();
        });
    }

    static Event parse(byte[] bytes) {
        try {
            return Event.parseFrom(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ConsumerRecord<String, byte[]> firstRecord(String topic, String key) {
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) return r;
                }
            }
        }
        throw new AssertionError("no record with key " + key + " on " + topic + " within 30 s");
    }
}
