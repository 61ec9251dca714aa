package io.fedfactory.aggregator.admission;

/** A module failed an admission check; the message starts with the check's name. Not retriable. */
public class ModuleRejectedException extends RuntimeException {

    private final AdmissionCheck check;
    private final String detail;

    public ModuleRejectedException(AdmissionCheck check, String detail) {
        super(check.id() + ": " + detail);
        this.check = check;
        this.detail = detail;
    }

    public AdmissionCheck check() {
        return check;
    }

    /** The message without the check's name. */
    public String detail() {
        return detail;
    }
}
