package io.fedfactory.deploy.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real broker per test JVM, started on first use and stopped when the JVM exits, so every test
 * that needs Kafka shares it instead of paying the start-up again. Its data lives under
 * {@code java.io.tmpdir} (the build's target folder in tests).
 */
public final class SharedKafkaBroker {

    private static KafkaBroker broker;

    /** Starts the shared broker if needed and returns its bootstrap address. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kafka-");
                KafkaBroker b = new KafkaBroker(dir, 0).start(Duration.ofSeconds(60));
                Runtime.getRuntime().addShutdownHook(new Thread(b::close, "shared-kafka-shutdown"));
                broker = b;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return broker.bootstrapServers();
    }

    private SharedKafkaBroker() {
    }
}
