package io.fedfactory.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: a Python dict literal such as
 * {@code {'descr': '|u1', 'fortran_order': False, 'shape': (10, 28, 28), }}. Parsed by a small
 * recursive-descent reader that accepts exactly the literals NumPy writes (strings, True/False,
 * tuples of non-negative ints) and names the offending position otherwise.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {

    static NpyHeader parse(String text, String source) throws MalformedDataException {
        Reader r = new Reader(text, source);
        Map<String, Object> dict = r.dict();
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new MalformedDataException(source, ".npy header lacks '" + key + "': " + text.strip());
            }
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new MalformedDataException(source, ".npy header 'descr' must be a string (structured dtypes are"
                    + " not supported): " + text.strip());
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new MalformedDataException(source, ".npy header 'fortran_order' must be True or False: "
                    + text.strip());
        }
        if (!(dict.get("shape") instanceof int[] shape)) {
            throw new MalformedDataException(source, ".npy header 'shape' must be a tuple of ints: " + text.strip());
        }
        return new NpyHeader(descr, fortran, shape);
    }

    String shapeText() {
        return shapeText(shape);
    }

    static String shapeText(int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) s.append(", ");
            s.append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static final class Reader {
        private final String text;
        private final String source;
        private int pos;

        Reader(String text, String source) {
            this.text = text;
            this.source = source;
        }

        Map<String, Object> dict() throws MalformedDataException {
            expect('{');
            Map<String, Object> out = new HashMap<>();
            while (peek() != '}') {
                String key = string();
                expect(':');
                out.put(key, value());
                if (peek() == ',') pos++;
                else if (peek() != '}') throw error("expected ',' or '}'");
            }
            pos++;
            return out;
        }

        private Object value() throws MalformedDataException {
            char c = peek();
            if (c == '\'' || c == '"') return string();
            if (c == '(') return tuple();
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw error("expected a string, a tuple, True or False");
        }

        private int[] tuple() throws MalformedDataException {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (peek() != ')') {
                int start = pos;
                long v = 0;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    v = v * 10 + (text.charAt(pos++) - '0');
                    if (v > Integer.MAX_VALUE) throw error("dimension larger than " + Integer.MAX_VALUE);
                }
                if (pos == start) throw error("expected a non-negative integer");
                if (pos < text.length() && text.charAt(pos) == 'L') pos++; // Python 2 long suffix
                dims.add((int) v);
                if (peek() == ',') pos++;
                else if (peek() != ')') throw error("expected ',' or ')'");
            }
            pos++;
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private String string() throws MalformedDataException {
            char quote = peek();
            if (quote != '\'' && quote != '"') throw error("expected a quoted string");
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) throw error("unterminated string");
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private void expect(char c) throws MalformedDataException {
            if (peek() != c) throw error("expected '" + c + "'");
            pos++;
        }

        /** The next non-blank character, or NUL at the end. */
        private char peek() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private MalformedDataException error(String what) {
            return new MalformedDataException(source, "bad .npy header at character " + pos + ": " + what + " in "
                    + text.strip());
        }
    }
}
