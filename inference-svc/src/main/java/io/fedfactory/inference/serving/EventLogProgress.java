package io.fedfactory.inference.serving;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the event consumer has replayed the topics up to where they ended when the service started.
 * Until it has, no model is loaded: a replay applies a version's publication before its revocation,
 * and loading in between would serve, for a moment, a version the log already revokes, and would make
 * what is served after a restart depend on timing instead of on the log.
 *
 * <p>Gives up waiting after a timeout (a broker that cannot be reached, a log that ends in a
 * transaction marker no consumer ever sees) and then behaves as if caught up.
 */
public final class EventLogProgress {

    private static final Logger LOG = Logger.getLogger(EventLogProgress.class);

    private final String bootstrapServers;
    private final List<String> topics;
    private final Duration timeout;
    private final InstantSource clock;
    private final Map<TopicPartition, Long> processed = new ConcurrentHashMap<>();
    private volatile Map<TopicPartition, Long> ends;
    private volatile boolean caughtUp;
    private volatile Instant deadline;

    /** @param clock when the wait started and whether it timed out ({@link InstantSource#system()} in service) */
    public EventLogProgress(String bootstrapServers, List<String> topics, Duration timeout, InstantSource clock) {
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Reads the topics' end offsets (blocking, up to the timeout). Call once, off the consumer thread. */
    public void measure() {
        deadline = clock.instant().plus(timeout);
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "fedfactory-inference-replay-probe");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                if (infos != null) infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            ends = Map.copyOf(consumer.endOffsets(partitions, timeout));
            LOG.infof("replaying events up to %s before loading models", ends);
        } catch (KafkaException e) {
            LOG.warnf("cannot read the end offsets of %s (%s); loading models without waiting for the replay",
                    topics, e.getMessage());
            ends = Map.of();
        }
    }

    /** The consumer has applied the record at {@code offset}. */
    public void processed(String topic, int partition, long offset) {
        processed.merge(new TopicPartition(topic, partition), offset, Math::max);
    }

    /** True once every partition's records up to its end at start-up are applied (or the wait timed out). */
    public boolean caughtUp() {
        if (caughtUp) return true;
        Map<TopicPartition, Long> targets = ends;
        if (targets == null) return false;
        boolean all = targets.entrySet().stream()
                .allMatch(e -> processed.getOrDefault(e.getKey(), -1L) >= e.getValue() - 1);
        if (all) {
            caughtUp = true;
            LOG.infof("event replay caught up (%d partitions)", targets.size());
        } else if (clock.instant().isAfter(deadline)) {
            caughtUp = true;
            LOG.warnf("event replay did not reach %s within %d s (applied: %s); loading models anyway",
                    targets, timeout.toSeconds(), processed);
        }
        return caughtUp;
    }
}
