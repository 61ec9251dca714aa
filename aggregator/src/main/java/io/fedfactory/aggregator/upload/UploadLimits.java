package io.fedfactory.aggregator.upload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Limits and durability of module uploads ({@code fedfactory.upload.*}, documented in application.properties). */
@ConfigMapping(prefix = "fedfactory.upload")
public interface UploadLimits {

    /** Largest module accepted, in bytes (header.total_bytes). */
    @WithDefault("67108864")
    long maxModuleBytes();

    /** Largest data field of one chunk, in bytes. */
    @WithDefault("1048576")
    int maxChunkBytes();

    /** Flush received bytes to disk after this many (0: after every chunk). A stream's end always flushes. */
    @WithDefault("0")
    long syncIntervalBytes();

    /** Uploads one site may have in flight at once (header accepted, stream not ended). */
    @WithDefault("4")
    int maxInFlightPerSite();

    /** How long a resumed upload or an offset query waits for an earlier stream of the same upload id to end. */
    @WithDefault("PT5S")
    Duration busyWait();
}
