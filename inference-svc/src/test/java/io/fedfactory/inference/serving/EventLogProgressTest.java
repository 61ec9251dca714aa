package io.fedfactory.inference.serving;

import io.fedfactory.deploy.kafka.SharedKafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up replay barrier against a real broker. */
class EventLogProgressTest {

    @Test
    void caughtUpOnlyOnceEveryRecordPresentAtStartIsApplied() throws Exception {
        String topic = "replay-" + UUID.randomUUID();
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafkaBroker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) producer.send(new ProducerRecord<>(topic, "k", new byte[] {(byte) i})).get();
        }
        String missing = "absent-" + UUID.randomUUID();
        EventLogProgress progress = new EventLogProgress(SharedKafkaBroker.bootstrapServers(), List.of(topic, missing),
                Duration.ofSeconds(30), InstantSource.fixed(Instant.EPOCH));
        assertFalse(progress.caughtUp(), "not measured yet");
        progress.measure();
        assertFalse(progress.caughtUp());
        progress.processed(topic, 0, 0);
        progress.processed(topic, 0, 1);
        assertFalse(progress.caughtUp(), "the third record is not applied yet");
        progress.processed(topic, 0, 2);
        assertTrue(progress.caughtUp());
    }

    @Test
    void givesUpWaitingAfterItsTimeout() throws Exception {
        String topic = "replay-" + UUID.randomUUID();
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafkaBroker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", new byte[] {1})).get();
        }
        AtomicReference<Instant> now = new AtomicReference<>(Instant.EPOCH);
        EventLogProgress progress = new EventLogProgress(SharedKafkaBroker.bootstrapServers(), List.of(topic),
                Duration.ofSeconds(2), now::get);
        progress.measure();
        assertFalse(progress.caughtUp());
        now.set(Instant.EPOCH.plusSeconds(2));
        assertFalse(progress.caughtUp(), "gave up at, not after, its timeout");
        now.set(Instant.EPOCH.plusMillis(2001));
        assertTrue(progress.caughtUp());
    }
}
