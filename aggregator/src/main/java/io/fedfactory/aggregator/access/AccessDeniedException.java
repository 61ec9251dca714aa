package io.fedfactory.aggregator.access;

import io.fedfactory.aggregator.errors.Refusal;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A call the caller's identity, its enrollment or a limit does not allow; the message says which. */
public final class AccessDeniedException extends Refusal {

    public AccessDeniedException(Status.Code code, String reason, String message) {
        super(code, reason, message);
    }

    /** PERMISSION_DENIED: the caller's role, site or enrollment does not allow the call. */
    public static AccessDeniedException denied(String message) {
        return new AccessDeniedException(Status.Code.PERMISSION_DENIED, "PERMISSION_DENIED", message);
    }

    /** UNAUTHENTICATED: no verified certificate naming a fedfactory identity. */
    static AccessDeniedException unauthenticated(String message) {
        return new AccessDeniedException(Status.Code.UNAUTHENTICATED, "NO_CLIENT_CERTIFICATE", message);
    }

    /** Closes {@code call} with this refusal, its ErrorInfo in the trailers. */
    void close(ServerCall<?, ?> call) {
        StatusRuntimeException s = toStatus();
        call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
    }
}
