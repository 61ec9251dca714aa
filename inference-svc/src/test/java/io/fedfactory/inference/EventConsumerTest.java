package io.fedfactory.inference;

import java.time.Duration;
import org.awaitility.Awaitility;
import io.fedfactory.deploy.kafka.KafkaBrokerTestResource;
import io.fedfactory.deploy.kafka.SharedKafkaBroker;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.EventHeader;
import io.fedfactory.proto.v1.FederationOpened;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.fedfactory.inference.TestTls.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(TlsTestResource.class)
class EventConsumerTest {

    @Test
    void federationEventsFromTheBrokerReachTheCatalogAndMalformedOnesAreSkipped() throws Exception {
        FederationSpec spec = FederationSpec.newBuilder().setFederationId("fed-x")
                .addLabelNames("a").addLabelNames("b")
                .setImageSpec(ImageSpec.newBuilder().setChannels(1).setHeight(28).setWidth(28).setValueMax(1))
                .build();
        Event event = Event.newBuilder()
                .setHeader(EventHeader.newBuilder().setId("e1").setType("io.fedfactory.federation.opened")
                        .setSource("/test").setTime("2026-01-01T00:00:00Z").setFederationId("fed-x"))
                .setFederationOpened(FederationOpened.newBuilder().setSpec(spec)).build();
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("fedfactory.federations", "junk", new byte[] {(byte) 0xff, 1, 2})).get();
            producer.send(new ProducerRecord<>("fedfactory.federations", "fed-x", event.toByteArray())).get();
        }
        // Unknown (404) until the event reaches the catalog; never anything else.
        Awaitility.await("the federation event reaches the catalog").atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/v1/federations/fed-x").statusCode(), code -> {
                    assertEquals(true, code == 200 || code == 404, "status " + code);
                    return code == 200;
                });
        given().get("/v1/federations/fed-x").then().body("labels[1]", equalTo("b"))
                .body("imageSpec", equalTo("1x28x28"));
        given().get("/metrics").then().body(containsString("fedfactory_events_malformed_total"));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
