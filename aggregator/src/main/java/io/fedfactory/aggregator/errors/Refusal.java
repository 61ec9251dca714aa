package io.fedfactory.aggregator.errors;

import io.fedfactory.proto.errors.TypedErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A call the aggregator refuses, typed: the gRPC code (retriable or not), the reason (the check or
 * the limit, UPPER_SNAKE_CASE) and metadata (field, value, limit), sent as a {@code google.rpc.Status}
 * with an {@code ErrorInfo} ({@link TypedErrors}). The message is for people and names the field and
 * the limit too. Every domain refusal of the aggregator is one of these.
 */
public class Refusal extends RuntimeException {

    private static final Logger LOG = Logger.getLogger(Refusal.class);
    /**
     * A message that starts with a request field path ("spec.label_names[2] must ...", "header.total_bytes: ...");
     * an identity ("site:site-a may not ...") is not a field: the colon of a field is followed by a space.
     */
    private static final Pattern FIELD = Pattern.compile(
            "^([a-z][a-z0-9_]*(?:\\[\\d+])?(?:\\.[a-z][a-z0-9_]*(?:\\[\\d+])?)*)(: | must| is| has| holds| value)");

    private final Status.Code code;
    private final String reason;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public Refusal(Status.Code code, String reason, String message) {
        super(message);
        this.code = code;
        this.reason = reason;
        fieldOf(message).ifPresent(f -> metadata.put(TypedErrors.FIELD, f));
    }

    /** The request field a message starts with ("spec.label_names must ...", "header.total_bytes: ..."), if any. */
    public static Optional<String> fieldOf(String message) {
        Matcher m = FIELD.matcher(message == null ? "" : message);
        if (m.find() && (m.group(1).contains(".") || m.group(1).contains("_") || m.group(2).equals(": "))) {
            return Optional.of(m.group(1));
        }
        return Optional.empty();
    }

    /** Adds (or replaces) a metadata entry: {@link TypedErrors#FIELD}, {@link TypedErrors#VALUE}, {@link TypedErrors#LIMIT}. */
    public Refusal with(String key, Object value) {
        metadata.put(key, String.valueOf(value));
        return this;
    }

    /** Removes a metadata entry (a field read from a message that names something else first). */
    public Refusal without(String key) {
        metadata.remove(key);
        return this;
    }

    public Status.Code code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public Map<String, String> metadata() {
        return Map.copyOf(metadata);
    }

    public StatusRuntimeException toStatus() {
        return TypedErrors.error(code, reason, getMessage(), metadata);
    }

    /**
     * The typed error for anything a call threw: a refusal as itself, an unacknowledged event as
     * UNAVAILABLE (retriable: the state is durable), anything else as INTERNAL (a defect, logged;
     * never UNAVAILABLE, which clients would retry forever).
     */
    public static StatusRuntimeException toStatus(RuntimeException e) {
        if (e instanceof Refusal r) return r.toStatus();
        if (e instanceof StatusRuntimeException s) return s;
        if (e instanceof io.fedfactory.aggregator.events.EventPublishException) {
            return TypedErrors.error(Status.Code.UNAVAILABLE, "EVENT_NOT_ACKNOWLEDGED",
                    "the change is durable but its event was not acknowledged; retry the call: " + e.getMessage(), Map.of());
        }
        LOG.errorf(e, "call failed unexpectedly");
        return TypedErrors.error(Status.Code.INTERNAL, TypedErrors.INTERNAL, "internal error: " + e, Map.of());
    }
}
