package io.fedfactory.deploy.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaBrokerTest {

    @Test
    void restartOnTheSameFolderKeepsTheRecords() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "broker-test-");
        try (KafkaBroker broker = new KafkaBroker(dir, 0).start(Duration.ofSeconds(60))) {
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"));
            produce(broker.bootstrapServers(), "t1", "before-restart");
        }
        assertTrue(Files.exists(dir.resolve("data/meta.properties")), "storage was formatted");
        try (KafkaBroker broker = new KafkaBroker(dir, 0).start(Duration.ofSeconds(60))) {
            produce(broker.bootstrapServers(), "t1", "after-restart");
            assertEquals(List.of("before-restart", "after-restart"), readAll(broker.bootstrapServers(), "t1", 2));
        }
    }

    @Test
    void sharedBrokerServesEveryCaller() throws Exception {
        String a = SharedKafkaBroker.bootstrapServers();
        assertEquals(a, SharedKafkaBroker.bootstrapServers());
        produce(a, "shared", "x");
        assertEquals(List.of("x"), readAll(a, "shared", 1));
    }

    @Test
    void rejectsAnInvalidPort() {
        var e = assertThrows(IllegalArgumentException.class, () -> new KafkaBroker(Path.of("x"), 70000));
        assertTrue(e.getMessage().contains("port must be in [0, 65535]"), e.getMessage());
    }

    static void produce(String bootstrap, String topic, String value) throws Exception {
        try (var p = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, value)).get();
        }
    }

    static List<String> readAll(String bootstrap, String topic, int expected) {
        try (var c = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            List<String> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) out.add(r.value());
            }
            return out;
        }
    }
}
