package io.fedfactory.inference.serving;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The {@code fedfactory.inference.*} properties; each is documented in application.properties. */
@ConfigMapping(prefix = "fedfactory.inference")
public interface ServingSettings {

    @WithDefault("64")
    int maxBatch();

    @WithDefault("2ms")
    Duration maxWait();

    @WithDefault("1")
    int batchWorkers();

    @WithDefault("4096")
    int queueCapacity();

    @WithDefault("1")
    int intraOpThreads();

    @WithDefault("false")
    boolean allowSpinning();

    @WithDefault("30s")
    Duration requestTimeout();

    @WithDefault("8388608")
    int maxBodyBytes();

    @WithDefault("536870912")
    long maxModelBytes();

    @WithDefault("run/inference")
    String cacheDir();

    @WithDefault("5m")
    Duration downloadTimeout();

    @WithDefault("60s")
    Duration replayTimeout();

    @WithDefault("1s")
    Duration fetchRetryInitial();

    @WithDefault("60s")
    Duration fetchRetryMax();

    @WithDefault("true")
    boolean requireApplicationCredential();

    @WithDefault("0")
    double requestsPerSecond();

    /** Fails start-up on a value no deployment could mean, naming the property. */
    default void check() {
        positive("max-batch", maxBatch());
        positive("batch-workers", batchWorkers());
        positive("queue-capacity", queueCapacity());
        positive("intra-op-threads", intraOpThreads());
        positive("max-body-bytes", maxBodyBytes());
        if (requestsPerSecond() < 0) throw bad("requests-per-second", requestsPerSecond());
        if (maxModelBytes() < 1) throw bad("max-model-bytes", maxModelBytes());
        if (maxWait().isNegative()) throw bad("max-wait", maxWait());
        if (fetchRetryInitial().isNegative() || fetchRetryInitial().isZero()) throw bad("fetch-retry-initial", fetchRetryInitial());
        if (fetchRetryMax().compareTo(fetchRetryInitial()) < 0) throw bad("fetch-retry-max", fetchRetryMax());
    }

    private static void positive(String name, int value) {
        if (value < 1) throw bad(name, value);
    }

    private static IllegalStateException bad(String name, Object value) {
        return new IllegalStateException("fedfactory.inference." + name + " must be positive (and fetch-retry-max >= "
                + "fetch-retry-initial), got " + value);
    }
}
