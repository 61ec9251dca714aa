package io.fedfactory.console.pages;

import io.fedfactory.console.login.Session;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Checks of everything a form or a URL carries; each refusal names the field and the limit. */
public final class Inputs {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final Pattern MODULE_ID = Pattern.compile("[0-9a-f]{64}");
    public static final int MAX_REASON = 1000;
    public static final int MAX_FILTER = 200;
    public static final int MAX_MODULES = 10_000;

    private Inputs() {
    }

    public static String id(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw ConsoleError.badField(field, "must match " + ID.pattern() + " (at most 128 characters), got '"
                    + clip(value) + "'");
        }
        return value;
    }

    public static String siteId(String field, String value) {
        if (value == null || !SITE_ID.matcher(value).matches()) {
            throw ConsoleError.badField(field, "must match " + SITE_ID.pattern() + " (at most 63 characters), got '"
                    + clip(value) + "'");
        }
        return value;
    }

    public static String moduleId(String field, String value) {
        if (value == null || !MODULE_ID.matcher(value).matches()) {
            throw ConsoleError.badField(field, "must be 64 lower-case hex digits (the module's SHA-256), got '"
                    + clip(value) + "'");
        }
        return value;
    }

    public static String reason(String value) {
        String r = value == null ? "" : value.strip();
        if (r.isEmpty() || r.length() > MAX_REASON) {
            throw ConsoleError.badField("reason", "must be 1 to " + MAX_REASON + " characters, got " + r.length());
        }
        return r;
    }

    /** An optional filter text: empty or at most {@link #MAX_FILTER} characters. */
    public static String filter(String field, String value) {
        String v = value == null ? "" : value.strip();
        if (v.length() > MAX_FILTER) {
            throw ConsoleError.badField(field, "must be at most " + MAX_FILTER + " characters, got " + v.length());
        }
        return v;
    }

    /** An optional RFC 3339 time (empty: none). */
    public static Instant time(String field, String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ConsoleError.badField(field, "must be an RFC 3339 time such as 2026-01-31T12:00:00Z, got '" + clip(v) + "'");
        }
    }

    /** The form token of the session: a form posted from elsewhere does not carry it. */
    public static void csrf(Session who, String given) {
        if (given == null || !java.security.MessageDigest.isEqual(given.getBytes(), who.csrf().getBytes())) {
            throw new ConsoleError(403, "csrf", "csrf: the form's token does not match this session (a form from another "
                    + "page or an expired session); reload the page and submit again");
        }
    }

    static String clip(String v) {
        if (v == null) return "";
        return v.length() > 80 ? v.substring(0, 80) + "..." : v;
    }
}
