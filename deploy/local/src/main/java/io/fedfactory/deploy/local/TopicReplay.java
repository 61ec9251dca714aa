package io.fedfactory.deploy.local;

import io.fedfactory.proto.v1.Event;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every event of one federation, read from the start of the state topics up to their current end
 * (assigned partitions, no consumer group, nothing committed): the log a consumer rebuilds its state from.
 */
final class TopicReplay {

    /** The topics that carry state (progress events are advisory and left out). */
    static final List<String> STATE_TOPICS = List.of("fedfactory.federations", "fedfactory.modules", "fedfactory.models",
            "fedfactory.audit");

    /** How long a replay waits for the broker's metadata and for the records up to the end offsets. */
    static final Duration PATIENCE = Duration.ofMinutes(3);

    private TopicReplay() {
    }

    /** An event with its record's broker timestamp (epoch milliseconds). */
    record Stamped(Event event, long timestamp) {
    }

    /** The federation's events, topic by topic in log order; tombstones and unparsable records are skipped. */
    static List<Event> events(String bootstrap, String federation) {
        return stamped(bootstrap, federation).stream().map(Stamped::event).toList();
    }

    /** As {@link #events}, each with its record's timestamp. */
    static List<Stamped> stamped(String bootstrap, String federation) {
        List<Stamped> events = new ArrayList<>();
        // Patient (every metadata call up to PATIENCE): a broker starved of CPU answers late, and a replay
        // that gives up early would report a broker under load as a lost event.
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(PATIENCE.toMillis())),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : STATE_TOPICS) {
                var infos = consumer.partitionsFor(topic, PATIENCE);
                if (infos != null) infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) continue;
                    Event e;
                    try {
                        e = Event.parseFrom(r.value());
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        continue;
                    }
                    if (e.getHeader().getFederationId().equals(federation)) events.add(new Stamped(e, r.timestamp()));
                }
            }
        }
        return events;
    }

    /**
     * What a replay would count twice: event ids seen more than once, and state changes announced more
     * than once (the same type for the same module, version or certificate), each with its count.
     */
    static Map<String, Integer> duplicates(List<Event> events) {
        Map<String, Integer> seen = new TreeMap<>();
        for (Event e : events) {
            seen.merge("event id " + e.getHeader().getId(), 1, Integer::sum);
            String entity = entity(e);
            if (entity != null) seen.merge(e.getPayloadCase() + " " + entity, 1, Integer::sum);
        }
        Map<String, Integer> twice = new LinkedHashMap<>();
        seen.forEach((k, n) -> {
            if (n > 1) twice.put(k, n);
        });
        return twice;
    }

    /** The entity a state change is about; null for events that may repeat (metrics, audit records). */
    private static String entity(Event e) {
        return switch (e.getPayloadCase()) {
            case FEDERATION_OPENED -> e.getHeader().getFederationId();
            case MODULE_ADMITTED -> e.getModuleAdmitted().getModuleId();
            case MODULE_DELETED -> e.getModuleDeleted().getModuleId();
            case MODEL_PUBLISHED -> e.getModelPublished().getInfo().getVersion();
            case MODEL_REVOKED -> e.getModelRevoked().getVersion();
            case CERTIFICATE_ISSUED -> e.getCertificateIssued().getCertificate().getCertificateId();
            default -> null;
        };
    }
}
