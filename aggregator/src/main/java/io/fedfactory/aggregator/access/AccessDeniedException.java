package io.fedfactory.aggregator.access;

import io.grpc.Status;

/** A call the caller's identity, its enrollment or a limit does not allow; the message says which. */
public final class AccessDeniedException extends RuntimeException {

    private final Status.Code code;

    public AccessDeniedException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public static AccessDeniedException denied(String message) {
        return new AccessDeniedException(Status.Code.PERMISSION_DENIED, message);
    }

    public Status status() {
        return Status.fromCode(code).withDescription(getMessage());
    }
}
