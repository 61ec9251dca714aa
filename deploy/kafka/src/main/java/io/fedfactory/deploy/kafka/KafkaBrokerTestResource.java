package io.fedfactory.deploy.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource: points the application under test at the JVM's shared real broker. Use with
 * {@code @QuarkusTestResource(KafkaBrokerTestResource.class)} (or {@code @WithTestResource}).
 */
public final class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String bootstrap = SharedKafkaBroker.bootstrapServers();
        return Map.of("kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        // The broker is shared by every test class in the JVM; it stops when the JVM exits.
    }
}
