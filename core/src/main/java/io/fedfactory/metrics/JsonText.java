package io.fedfactory.metrics;

/** The two JSON literals reports need, written by hand to keep the library free of a JSON dependency. */
final class JsonText {

    private JsonText() {}

    /** A JSON number, or null for NaN and infinities, which JSON cannot express. */
    static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
