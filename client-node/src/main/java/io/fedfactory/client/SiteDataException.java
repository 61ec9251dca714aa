package io.fedfactory.client;

/** The site's data cannot be used as it is; the message lists every problem. Nothing was trained. */
public final class SiteDataException extends RuntimeException {

    public SiteDataException(String message) {
        super(message);
    }
}
