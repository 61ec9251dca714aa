package io.fedfactory.deploy.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedfactory.contracts.EventSummary;
import io.fedfactory.proto.v1.Event;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/** Follows the event topics and prints one line per event. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Follow fedfactory events on Kafka (one line each; --json for the whole event).")
final class EventsCommand implements Callable<Integer> {

    static final List<String> TOPICS = io.fedfactory.contracts.Topics.ALL;

    @Option(names = "--kafka", defaultValue = "127.0.0.1:9092", description = "Bootstrap servers (default: ${DEFAULT-VALUE}).")
    String kafka;
    @Option(names = "--id", defaultValue = "", description = "Only events of this federation.")
    String federation;
    @Option(names = "--from-beginning", description = "Replay every topic from the start.")
    boolean fromBeginning;
    @Option(names = "--seconds", defaultValue = "0", description = "Stop after this many seconds (0: follow until Ctrl-C).")
    int seconds;
    @Option(names = "--json", description = "Print each event as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ConsumerConfig.GROUP_ID_CONFIG, "fedfactory-admin-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long deadline = seconds > 0 ? System.currentTimeMillis() + seconds * 1000L : Long.MAX_VALUE;
        try (var consumer = new KafkaConsumer<String, byte[]>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(TOPICS);
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String line = describe(r);
                    if (line != null) System.out.println(line);
                }
            }
        }
        return 0;
    }

    private String describe(ConsumerRecord<String, byte[]> r) throws InvalidProtocolBufferException {
        if (r.value() == null) return federation.isEmpty() ? r.topic() + " tombstone key=" + r.key() : null;
        Event e;
        try {
            e = Event.parseFrom(r.value());
        } catch (InvalidProtocolBufferException ex) {
            return r.topic() + " malformed record at offset " + r.offset();
        }
        if (!federation.isEmpty() && !federation.equals(e.getHeader().getFederationId())) return null;
        if (json) return JsonFormat.printer().omittingInsignificantWhitespace().print(e);
        return EventSummary.of(e);
    }
}
