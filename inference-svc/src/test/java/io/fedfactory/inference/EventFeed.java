package io.fedfactory.inference;

import io.fedfactory.deploy.kafka.SharedKafkaBroker;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.EventHeader;
import io.fedfactory.proto.v1.FederationOpened;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelPublished;
import io.fedfactory.proto.v1.ModelRevoked;
import io.fedfactory.proto.v1.ModelVersionInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.UUID;

/** Publishes events on the real broker the way the aggregator does (topic, key, envelope). */
public final class EventFeed {

    private static KafkaProducer<String, byte[]> producer;

    private EventFeed() {}

    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    public static void federationOpened(String federation) {
        federationOpened(federation, TestClassifiers.LABELS, TestClassifiers.SPEC);
    }

    public static void federationOpened(String federation, java.util.List<String> labels, io.fedfactory.proto.v1.ImageSpec imageSpec) {
        FederationSpec spec = FederationSpec.newBuilder().setFederationId(federation)
                .addAllLabelNames(labels).setImageSpec(imageSpec).setSeed(1).build();
        send("fedfactory.federations", federation, "io.fedfactory.federation.opened", federation,
                Event.newBuilder().setFederationOpened(FederationOpened.newBuilder().setSpec(spec)));
    }

    public static void modelPublished(ModelVersionInfo info) {
        send("fedfactory.models", info.getVersion(), "io.fedfactory.model.published", info.getFederationId(),
                Event.newBuilder().setModelPublished(ModelPublished.newBuilder().setInfo(info)));
    }

    public static void modelRevoked(String federation, String version, String reason) {
        send("fedfactory.models", version, "io.fedfactory.model.revoked", federation,
                Event.newBuilder().setModelRevoked(ModelRevoked.newBuilder().setVersion(version).setReason(reason)
                        .addModuleIds("m-deleted")));
    }

    private static void send(String topic, String key, String type, String federation, Event.Builder event) {
        event.setHeader(EventHeader.newBuilder().setId(UUID.randomUUID().toString()).setType(type)
                .setSource("/test").setTime("2026-11-21T10:00:00.000Z").setFederationId(federation));
        try {
            producer().send(new ProducerRecord<>(topic, key, event.build().toByteArray())).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + type + " for " + key, e);
        }
    }
}
