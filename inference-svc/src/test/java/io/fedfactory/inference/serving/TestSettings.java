package io.fedfactory.inference.serving;

import java.time.Duration;

/** Serving settings for tests that build the serving parts without the application. */
record TestSettings(int maxBatch, Duration maxWait, int queueCapacity) implements ServingSettings {

    static TestSettings defaults() {
        return new TestSettings(8, Duration.ofMillis(5), 64);
    }

    @Override
    public int batchWorkers() {
        return 1;
    }

    @Override
    public int intraOpThreads() {
        return 1;
    }

    @Override
    public boolean allowSpinning() {
        return false;
    }

    @Override
    public Duration requestTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public int maxBodyBytes() {
        return 1 << 20;
    }

    @Override
    public long maxModelBytes() {
        return 1 << 20;
    }

    @Override
    public String cacheDir() {
        return "target/unused";
    }

    @Override
    public Duration downloadTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Duration replayTimeout() {
        return Duration.ofSeconds(5);
    }

    @Override
    public Duration fetchRetryInitial() {
        return Duration.ofMillis(100);
    }

    @Override
    public Duration fetchRetryMax() {
        return Duration.ofSeconds(1);
    }

    @Override
    public boolean requireApplicationCredential() {
        return true;
    }

    @Override
    public double requestsPerSecond() {
        return 0;
    }
}
