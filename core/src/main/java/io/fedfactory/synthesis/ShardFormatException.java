package io.fedfactory.synthesis;

import java.io.IOException;

/** A shard file that is truncated, corrupted or not a shard; the message names the file. */
public final class ShardFormatException extends IOException {

    public ShardFormatException(String message) {
        super(message);
    }
}
