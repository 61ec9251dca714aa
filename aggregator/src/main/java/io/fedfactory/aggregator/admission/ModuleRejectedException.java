package io.fedfactory.aggregator.admission;

/** A module failed an admission check; the message starts with the check's name. Not retriable. */
public class ModuleRejectedException extends RuntimeException {

    private final AdmissionCheck check;
    private final String detail;
    private final java.util.Map<String, String> metadata = new java.util.LinkedHashMap<>();

    public ModuleRejectedException(AdmissionCheck check, String detail) {
        super(check.id() + ": " + detail);
        this.check = check;
        this.detail = detail;
        io.fedfactory.aggregator.errors.Refusal.fieldOf(detail)
                .ifPresent(f -> metadata.put(io.fedfactory.proto.errors.TypedErrors.FIELD, f));
    }

    public AdmissionCheck check() {
        return check;
    }

    /** Adds field, value or limit ({@code TypedErrors} keys) to the refusal the client receives. */
    public ModuleRejectedException with(String key, Object value) {
        metadata.put(key, String.valueOf(value));
        return this;
    }

    public java.util.Map<String, String> metadata() {
        return java.util.Map.copyOf(metadata);
    }

    /** The message without the check's name. */
    public String detail() {
        return detail;
    }
}
