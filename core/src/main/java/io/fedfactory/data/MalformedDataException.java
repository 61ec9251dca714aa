package io.fedfactory.data;

import java.io.IOException;

/**
 * A data file that cannot be read as the format it claims to be. The message names the file, what
 * was wrong, and the expected value or limit, so that a site's engineer can fix the file without a
 * debugger.
 */
public final class MalformedDataException extends IOException {

    private final String source;

    public MalformedDataException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /** The file (or resource, or archive entry) that was malformed. */
    public String source() {
        return source;
    }
}
