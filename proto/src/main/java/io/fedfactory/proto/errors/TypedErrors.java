package io.fedfactory.proto.errors;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.util.Map;
import java.util.Optional;

/**
 * The error convention of every fedfactory gRPC service (see {@code common.proto}, "Errors"): a
 * refusal is a {@code google.rpc.Status} whose details hold one {@code google.rpc.ErrorInfo} with
 * domain {@value #DOMAIN}, a {@code reason} naming the check or the limit (UPPER_SNAKE_CASE), and
 * metadata {@code field}, {@code value} and {@code limit} where they apply. Clients decide on the
 * code (retriable or not) and the reason, never on the message, which is for people.
 */
public final class TypedErrors {

    public static final String DOMAIN = "fedfactory.io";
    public static final String FIELD = "field";
    public static final String VALUE = "value";
    public static final String LIMIT = "limit";
    /** Reason of an unexpected server failure (a defect; not retriable). */
    public static final String INTERNAL = "INTERNAL";

    private TypedErrors() {
    }

    /** A gRPC error with its ErrorInfo; empty metadata values are left out. */
    public static StatusRuntimeException error(Status.Code code, String reason, String message, Map<String, String> metadata) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason);
        metadata.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) info.putMetadata(k, v);
        });
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(code.value())
                .setMessage(message == null ? "" : message).addDetails(Any.pack(info.build())).build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** The ErrorInfo of a gRPC error, if the server sent one. */
    public static Optional<ErrorInfo> info(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) return Optional.empty();
        for (Any any : status.getDetailsList()) {
            if (any.is(ErrorInfo.class)) {
                try {
                    return Optional.of(any.unpack(ErrorInfo.class));
                } catch (InvalidProtocolBufferException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The reason of a gRPC error, or "" when it carries none. */
    public static String reason(Throwable t) {
        return info(t).map(ErrorInfo::getReason).orElse("");
    }

    /** One line for people: code, reason, metadata and message. */
    public static String describe(StatusRuntimeException e) {
        Optional<ErrorInfo> info = info(e);
        StringBuilder s = new StringBuilder(e.getStatus().getCode().name());
        info.ifPresent(i -> {
            s.append(' ').append(i.getReason());
            if (!i.getMetadataMap().isEmpty()) s.append(' ').append(new java.util.TreeMap<>(i.getMetadataMap()));
        });
        if (e.getStatus().getDescription() != null) s.append(": ").append(e.getStatus().getDescription());
        return s.toString();
    }
}
