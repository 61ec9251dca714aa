package io.fedfactory.aggregator.upload;

import io.grpc.Status;

/**
 * An upload broke a rule of the protocol or may not proceed; carries the gRPC status to answer with
 * and a short reason for metrics. The message names the field and the limit.
 */
public class UploadRefusedException extends RuntimeException {

    private final Status.Code code;
    private final String reason;

    public UploadRefusedException(Status.Code code, String reason, String message) {
        super(message);
        this.code = code;
        this.reason = reason;
    }

    public Status.Code code() {
        return code;
    }

    /** Metric tag: header, offset, chunk_size, total_bytes, federation, busy, admission, ... */
    public String reason() {
        return reason;
    }

    static UploadRefusedException invalid(String reason, String message) {
        return new UploadRefusedException(Status.Code.INVALID_ARGUMENT, reason, message);
    }

    static UploadRefusedException precondition(String reason, String message) {
        return new UploadRefusedException(Status.Code.FAILED_PRECONDITION, reason, message);
    }
}
