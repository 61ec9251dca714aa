package io.fedfactory.deploy.local;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** Minimal JSON writing for the run summary (maps, lists, strings, numbers, booleans). */
final class Json {

    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(v, b, "");
        return b.toString();
    }

    private static void write(Object v, StringBuilder b, String indent) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> m) {
            b.append("{");
            String inner = indent + "  ";
            boolean first = true;
            for (var e : m.entrySet()) {
                b.append(first ? "\n" : ",\n").append(inner);
                string(String.valueOf(e.getKey()), b);
                b.append(": ");
                write(e.getValue(), b, inner);
                first = false;
            }
            b.append(first ? "}" : "\n" + indent + "}");
        } else if (v instanceof Collection<?> c) {
            b.append("[");
            boolean first = true;
            for (Object o : c) {
                if (!first) b.append(", ");
                write(o, b, indent);
                first = false;
            }
            b.append("]");
        } else if (v instanceof Double d) {
            b.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(v.toString(), b);
        }
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
                }
            }
        }
        b.append('"');
    }

    private Json() {
    }
}
