package io.fedfactory.console.pages;

/**
 * A request the console refuses, with the HTTP status, the form field or parameter at fault (empty
 * when none) and a message that names the limit.
 */
public final class ConsoleError extends RuntimeException {

    private final int status;
    private final String field;

    public ConsoleError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public static ConsoleError badField(String field, String message) {
        return new ConsoleError(400, field, field + ": " + message);
    }

    public static ConsoleError forbidden(String message) {
        return new ConsoleError(403, "", message);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
