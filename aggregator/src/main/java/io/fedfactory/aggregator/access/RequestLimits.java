package io.fedfactory.aggregator.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Per-identity request rate ({@code fedfactory.limits.*}, see application.properties). */
@ConfigMapping(prefix = "fedfactory.limits")
public interface RequestLimits {

    /** Calls per second each identity may sustain (any method; an upload stream is one call). */
    @WithDefault("50")
    double requestsPerSecond();

    /** Calls an identity may make at once after being idle (the token bucket's size). */
    @WithDefault("100")
    int burst();
}
