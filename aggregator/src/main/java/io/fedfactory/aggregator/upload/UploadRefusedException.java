package io.fedfactory.aggregator.upload;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Status;

import java.util.Locale;

/**
 * An upload broke a rule of the protocol or may not proceed: the gRPC status to answer with, its
 * reason (the tag in upper case, or the failed admission check) and a short tag for metrics. The
 * message names the field and the limit.
 */
public class UploadRefusedException extends Refusal {

    private final String tag;

    public UploadRefusedException(Status.Code code, String tag, String message) {
        this(code, tag, tag.toUpperCase(Locale.ROOT), message);
    }

    UploadRefusedException(Status.Code code, String tag, String reason, String message) {
        super(code, reason, message);
        this.tag = tag;
    }

    /** Metric tag: header, offset, chunk_size, total_bytes, federation, busy, admission, ... */
    public String tag() {
        return tag;
    }

    static UploadRefusedException invalid(String tag, String message) {
        return new UploadRefusedException(Status.Code.INVALID_ARGUMENT, tag, message);
    }

    static UploadRefusedException precondition(String tag, String message) {
        return new UploadRefusedException(Status.Code.FAILED_PRECONDITION, tag, message);
    }
}
