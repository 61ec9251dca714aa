package io.fedfactory.inference.serving;

/**
 * Why a model version could not be fetched, verified or loaded. The reason is a short stable tag (it
 * labels the download-failure metric); the message says what was expected and what came.
 */
public final class FetchFailure extends Exception {

    private final String reason;

    public FetchFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FetchFailure(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** For example "unavailable", "not_found", "revoked_upstream", "size", "sha256", "signature", "probe". */
    public String reason() {
        return reason;
    }
}
