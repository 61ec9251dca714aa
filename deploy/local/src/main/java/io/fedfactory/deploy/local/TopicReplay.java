package io.fedfactory.deploy.local;

import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

    /** An event with its topic and its record's broker timestamp (epoch milliseconds). */
    record Stamped(Event event, String topic, long timestamp) {
    }

    /** The federation's events, topic by topic in log order, each with its topic and timestamp; tombstones and unparsable records are skipped. */
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
                    if (e.getHeader().getFederationId().equals(federation)) events.add(new Stamped(e, r.topic(), r.timestamp()));
                }
            }
        }
        return events;
    }

    /**
     * What a replay would count twice: event ids seen more than once, and state changes announced more
     * than once on one topic (the same type for the same module, version or certificate), each with its
     * count. A deletion is announced once on the module topic and once on the audit topic, by design.
     */
    static Map<String, Integer> duplicates(List<Stamped> events) {
        Map<String, Integer> seen = new TreeMap<>();
        for (Stamped s : events) {
            Event e = s.event();
            seen.merge("event id " + e.getHeader().getId(), 1, Integer::sum);
            String entity = entity(e);
            if (entity != null) seen.merge(e.getPayloadCase() + " " + entity + " on " + s.topic(), 1, Integer::sum);
        }
        Map<String, Integer> twice = new LinkedHashMap<>();
        seen.forEach((k, n) -> {
            if (n > 1) twice.put(k, n);
        });
        return twice;
    }

    /**
     * The state changes the services report, as the keys {@link #duplicates} counts ({@code MODULE_ADMITTED
     * <id>}, ...): what must be on the topics once each.
     */
    static Set<String> expected(String federation, Collection<String> admitted, Collection<String> deleted,
                                Collection<String> published, Collection<String> revoked, Collection<String> certificates) {
        Set<String> keys = new TreeSet<>();
        keys.add(Event.PayloadCase.FEDERATION_OPENED + " " + federation);
        admitted.forEach(id -> keys.add(Event.PayloadCase.MODULE_ADMITTED + " " + id));
        deleted.forEach(id -> keys.add(Event.PayloadCase.MODULE_DELETED + " " + id));
        published.forEach(v -> keys.add(Event.PayloadCase.MODEL_PUBLISHED + " " + v));
        revoked.forEach(v -> keys.add(Event.PayloadCase.MODEL_REVOKED + " " + v));
        certificates.forEach(c -> keys.add(Event.PayloadCase.CERTIFICATE_ISSUED + " " + c));
        return keys;
    }

    /** Of {@code expected} state changes, those no replayed event announces: the events lost. */
    static Set<String> lost(List<Event> events, Set<String> expected) {
        Set<String> missing = new TreeSet<>(expected);
        for (Event e : events) {
            String entity = entity(e);
            if (entity != null) missing.remove(e.getPayloadCase() + " " + entity);
        }
        return missing;
    }

    /** What the topics hold of a federation against what the aggregator answers: events replayed, lost, duplicated. */
    record Accounting(int events, Set<String> lost, Map<String, Integer> duplicates) {
        int duplicated() {
            return TopicReplay.duplicated(duplicates);
        }

        @Override
        public String toString() {
            return events + " events replayed: lost " + lost.size() + (lost.isEmpty() ? "" : " " + lost) + ", duplicated "
                    + duplicated() + (duplicates.isEmpty() ? "" : " " + duplicates);
        }
    }

    /**
     * Replays {@code federation}'s topics and accounts for every state change the aggregator reports now
     * (its modules, admitted or deleted, its versions and revocations) and for {@code certificates}.
     */
    static Accounting account(String bootstrap, String federation, FederationAdminGrpc.FederationAdminBlockingStub admin,
                              Collection<String> certificates) {
        List<ModuleRecord> modules = CrashTrials.modules(admin, federation);
        List<String> deleted = CrashTrials.ids(modules, ModuleState.MODULE_STATE_DELETED);
        List<String> all = modules.stream().map(ModuleRecord::getModuleId).toList();
        List<ModelVersionInfo> versions = CrashTrials.versions(admin, federation);
        Set<String> expected = expected(federation, all, deleted,
                versions.stream().map(ModelVersionInfo::getVersion).toList(),
                versions.stream().filter(ModelVersionInfo::getRevoked)
                        .map(ModelVersionInfo::getVersion).toList(), certificates);
        List<Stamped> events = stamped(bootstrap, federation);
        return new Accounting(events.size(), lost(events.stream().map(Stamped::event).toList(), expected), duplicates(events));
    }

    /** How many replayed records are extra copies (each duplicate counted once per copy beyond the first). */
    static int duplicated(Map<String, Integer> duplicates) {
        return duplicates.values().stream().mapToInt(n -> n - 1).sum();
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
