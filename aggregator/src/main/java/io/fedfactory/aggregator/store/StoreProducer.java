package io.fedfactory.aggregator.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;

/** Opens the aggregator's store once per application, in {@code fedfactory.aggregator.data-dir}. */
@ApplicationScoped
public class StoreProducer {

    @ConfigProperty(name = "fedfactory.aggregator.data-dir", defaultValue = "run/aggregator")
    Path dataDir;

    @Produces
    @Singleton
    AggregatorStore store() {
        return AggregatorStore.open(dataDir);
    }

    void close(@Disposes AggregatorStore store) {
        store.close();
    }
}
