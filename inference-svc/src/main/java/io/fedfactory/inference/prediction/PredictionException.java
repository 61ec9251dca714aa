package io.fedfactory.inference.prediction;

import io.grpc.Status;

/**
 * A refused or failed prediction, with the gRPC status and HTTP status it maps to and the request
 * field at fault (empty when no single field is). The message names the field and the limit.
 */
public final class PredictionException extends RuntimeException {

    private final Status.Code grpcCode;
    private final int httpStatus;
    private final String field;

    private PredictionException(Status.Code grpcCode, int httpStatus, String field, String message) {
        super(message);
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
        this.field = field;
    }

    /** The request itself is wrong: fixing it is up to the caller. */
    public static PredictionException invalid(String field, String message) {
        return new PredictionException(Status.Code.INVALID_ARGUMENT, 400, field, field + ": " + message);
    }

    public static PredictionException unknownFederation(String federationId) {
        return new PredictionException(Status.Code.NOT_FOUND, 404, "federation_id",
                "federation_id: no federation '" + federationId + "' is known to this service");
    }

    /** Nothing can answer for this federation right now (none loaded yet, or the served version was revoked). */
    public static PredictionException notServed(String message) {
        return new PredictionException(Status.Code.FAILED_PRECONDITION, 503, "", message);
    }

    /** The required version is not the one served. */
    public static PredictionException versionConflict(String message) {
        return new PredictionException(Status.Code.FAILED_PRECONDITION, 409, "required_version", message);
    }

    /** The required version was revoked: it will never answer again. */
    public static PredictionException versionRevoked(String message) {
        return new PredictionException(Status.Code.FAILED_PRECONDITION, 410, "required_version", message);
    }

    public static PredictionException overloaded(String message) {
        return new PredictionException(Status.Code.RESOURCE_EXHAUSTED, 503, "", message);
    }

    public static PredictionException timedOut(String message) {
        return new PredictionException(Status.Code.DEADLINE_EXCEEDED, 504, "", message);
    }

    /** No verified client certificate where one is needed. */
    public static PredictionException unauthenticated(String message) {
        return new PredictionException(Status.Code.UNAUTHENTICATED, 401, "", message);
    }

    /** The caller's certificate is valid but its role may not do this. */
    public static PredictionException denied(String message) {
        return new PredictionException(Status.Code.PERMISSION_DENIED, 403, "", message);
    }

    /** The caller exceeded its request rate. */
    public static PredictionException rateLimited(String message) {
        return new PredictionException(Status.Code.RESOURCE_EXHAUSTED, 429, "", message);
    }

    public static PredictionException failed(String message) {
        return new PredictionException(Status.Code.INTERNAL, 500, "", message);
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
}
