package io.fedfactory.console.pages;

import java.util.Locale;

/** How numbers, ids and enums read on a page. */
final class Shown {

    private Shown() {
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** FEDERATION_STATE_OPEN -> open, MODULE_KIND_DECODER -> decoder. */
    static String enumName(Enum<?> e, String prefix) {
        String n = e.name();
        return (n.startsWith(prefix) ? n.substring(prefix.length()) : n).toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        return String.format(Locale.ROOT, "%.2f MiB", n / (double) (1 << 20));
    }

    static String fraction(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
