package io.fedfactory.inference.prediction;

import io.grpc.Status;

/**
 * A refused or failed prediction, with the gRPC status and HTTP status it maps to, its reason (the
 * check or the limit), the request field at fault (empty when no single field is) and the limit. The
 * message names the field and the limit.
 */
public final class PredictionException extends RuntimeException {

    private final Status.Code grpcCode;
    private final int httpStatus;
    private final String field;
    private final String reason;
    private final String limit;

    private PredictionException(Status.Code grpcCode, int httpStatus, String reason, String field, String limit,
                                String message) {
        super(message);
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
        this.reason = reason;
        this.field = field;
        this.limit = limit;
    }

    private PredictionException(Status.Code grpcCode, int httpStatus, String reason, String field, String message) {
        this(grpcCode, httpStatus, reason, field, "", message);
    }

    /** The request itself is wrong: fixing it is up to the caller. */
    public static PredictionException invalid(String field, String message) {
        return new PredictionException(Status.Code.INVALID_ARGUMENT, 400, "INVALID_INPUT", field, field + ": " + message);
    }

    /** The request breaks a limit ({@code limit}: the property=value or the rule); {@code reason} names it. */
    public static PredictionException overLimit(String field, String reason, String limit, String message) {
        return new PredictionException(Status.Code.INVALID_ARGUMENT, 400, reason, field, limit, field + ": " + message);
    }

    /** A REST request the service cannot read at all: {@code httpStatus} 413 (too large) or 415 (media type). */
    public static PredictionException unreadable(int httpStatus, String reason, String field, String limit, String message) {
        return new PredictionException(Status.Code.INVALID_ARGUMENT, httpStatus, reason, field, limit, message);
    }

    public static PredictionException unknownFederation(String federationId) {
        return new PredictionException(Status.Code.NOT_FOUND, 404, "UNKNOWN_FEDERATION", "federation_id",
                "federation_id: no federation '" + federationId + "' is known to this service");
    }

    /** Nothing can answer for this federation right now (none loaded yet, or the served version was revoked). */
    public static PredictionException notServed(String message) {
        return new PredictionException(Status.Code.FAILED_PRECONDITION, 503, "NOT_SERVED", "federation_id", message);
    }

    /** The required version is not the one served. */
    public static PredictionException versionConflict(String message) {
        return new PredictionException(Status.Code.FAILED_PRECONDITION, 409, "VERSION_CONFLICT", "required_version", message);
    }

    /** The required version was revoked: it will never answer again. */
    public static PredictionException versionRevoked(String message) {
        return new PredictionException(Status.Code.FAILED_PRECONDITION, 410, "VERSION_REVOKED", "required_version", message);
    }

    public static PredictionException overloaded(String message) {
        return new PredictionException(Status.Code.RESOURCE_EXHAUSTED, 503, "QUEUE_FULL", "", message);
    }

    public static PredictionException timedOut(String message) {
        return new PredictionException(Status.Code.DEADLINE_EXCEEDED, 504, "REQUEST_TIMEOUT", "", message);
    }

    /** No verified client certificate where one is needed. */
    public static PredictionException unauthenticated(String message) {
        return new PredictionException(Status.Code.UNAUTHENTICATED, 401, "NO_CLIENT_CERTIFICATE", "", message);
    }

    /** The caller's certificate is valid but may not do this: {@code field} "role", {@code limit} the roles that may. */
    public static PredictionException denied(String field, String limit, String message) {
        return new PredictionException(Status.Code.PERMISSION_DENIED, 403, "PERMISSION_DENIED", field, limit, message);
    }

    /** The caller exceeded its request rate ({@code limit}: the property=value). */
    public static PredictionException rateLimited(String limit, String message) {
        return new PredictionException(Status.Code.RESOURCE_EXHAUSTED, 429, "REQUEST_RATE", "", limit, message);
    }

    public static PredictionException failed(String message) {
        return new PredictionException(Status.Code.INTERNAL, 500, "INTERNAL", "", message);
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String field() {
        return field;
    }

    /** The check or the limit that refused (google.rpc.ErrorInfo reason). */
    public String reason() {
        return reason;
    }

    /** The limit at fault (property=value or rule), or "". */
    public String limit() {
        return limit;
    }

    /** The typed gRPC error (google.rpc.Status with ErrorInfo: reason, field, limit). */
    public io.grpc.StatusRuntimeException toStatus() {
        return io.fedfactory.proto.errors.TypedErrors.error(grpcCode, reason, getMessage(),
                java.util.Map.of(io.fedfactory.proto.errors.TypedErrors.FIELD, field,
                        io.fedfactory.proto.errors.TypedErrors.LIMIT, limit));
    }
}
