package io.fedfactory.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.time.Duration;

/** The console's configuration (every property documented in application.properties). */
@ConfigMapping(prefix = "fedfactory")
public interface ConsoleSettings {

    Tls tls();

    Console console();

    interface Tls {
        /** The console has no plaintext mode: false fails start-up (the other services accept it to measure TLS). */
        @WithDefault("true")
        boolean enabled();

        Path certificate();

        @WithName("private-key")
        Path privateKey();

        Path ca();
    }

    interface Console {
        /** host:port of the aggregator's gRPC server. */
        String aggregator();

        @WithName("cache-dir")
        Path cacheDir();

        @WithName("events-per-federation")
        int eventsPerFederation();

        @WithName("call-timeout")
        Duration callTimeout();
    }
}
