package io.fedfactory.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One array in NumPy's {@code .npy} format: the magic {@code \x93NUMPY}, a version, a header that is
 * a Python dict literal ({@code descr}, {@code fortran_order}, {@code shape}), then the raw C-order
 * data. Only the little-endian integer types that image datasets use are supported.
 */
record NpyArray(String descr, int[] shape, byte[] data) {

    static final List<String> SUPPORTED_DTYPES = List.of("|u1", "<i4", "<i8");

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Arrays are read whole into memory; 8-byte elements must still fit in one Java array. */
    static final long MAX_ELEMENTS = IdxFormat.MAX_ARRAY / 8;

    /** Upper bound on the header, far above the ~128 bytes NumPy writes: a guard against garbage. */
    private static final int MAX_HEADER = 1 << 16;

    static NpyArray read(InputStream in, String source) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8 || !Arrays.equals(Arrays.copyOf(prefix, 6), MAGIC)) {
            throw new MalformedDataException(source, "not a .npy array: expected the magic \\x93NUMPY, got "
                    + (prefix.length < 6 ? prefix.length + " bytes" : printable(Arrays.copyOf(prefix, 6))));
        }
        int major = prefix[6];
        int headerLength;
        if (major == 1) {
            headerLength = littleEndian(readExactly(in, source, 2, "header length")).getShort() & 0xFFFF;
        } else if (major == 2 || major == 3) {
            headerLength = littleEndian(readExactly(in, source, 4, "header length")).getInt();
        } else {
            throw new MalformedDataException(source, ".npy format version " + major + "." + prefix[7]
                    + " is not supported (1.x to 3.x are)");
        }
        if (headerLength < 0 || headerLength > MAX_HEADER) {
            throw new MalformedDataException(source, ".npy header length " + headerLength + " is outside [0, "
                    + MAX_HEADER + "]");
        }
        String text = new String(readExactly(in, source, headerLength, "header"),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(text, source);
        if (header.fortranOrder()) {
            throw new MalformedDataException(source, "fortran_order is True; only C-order arrays are supported"
                    + " (save with numpy.ascontiguousarray)");
        }
        if (!SUPPORTED_DTYPES.contains(header.descr())) {
            throw new MalformedDataException(source, "unsupported dtype '" + header.descr() + "': supported are '"
                    + String.join("', '", SUPPORTED_DTYPES) + "'");
        }
        long elements = 1;
        for (int d : header.shape()) {
            elements *= d;
            if (elements > MAX_ELEMENTS) {
                throw new MalformedDataException(source, "shape " + header.shapeText() + " holds more than the limit of "
                        + MAX_ELEMENTS + " elements");
            }
        }
        long bytes = elements * itemSize(header.descr());
        byte[] data = in.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new MalformedDataException(source, "truncated data: shape " + header.shapeText() + " of '"
                    + header.descr() + "' needs " + bytes + " bytes, got " + data.length);
        }
        return new NpyArray(header.descr(), header.shape(), data);
    }

    int elements() {
        return data.length / itemSize(descr);
    }

    /** The values as ints; 64-bit values must fit. */
    int[] intValues(String source) throws MalformedDataException {
        int n = elements();
        int[] out = new int[n];
        ByteBuffer b = littleEndian(data);
        for (int i = 0; i < n; i++) {
            switch (descr) {
                case "|u1" -> out[i] = data[i] & 0xFF;
                case "<i4" -> out[i] = b.getInt(i * 4);
                case "<i8" -> {
                    long v = b.getLong(i * 8);
                    if (v != (int) v) {
                        throw new MalformedDataException(source, "value[" + i + "] = " + v + " does not fit in an int");
                    }
                    out[i] = (int) v;
                }
                default -> throw new IllegalStateException(descr);
            }
        }
        return out;
    }

    String shapeText() {
        return NpyHeader.shapeText(shape);
    }

    private static int itemSize(String descr) {
        return switch (descr) {
            case "|u1" -> 1;
            case "<i4" -> 4;
            case "<i8" -> 8;
            default -> throw new IllegalStateException(descr);
        };
    }

    private static ByteBuffer littleEndian(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] readExactly(InputStream in, String source, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new MalformedDataException(source, "truncated .npy " + what + ": expected " + n + " bytes, got "
                    + b.length);
        }
        return b;
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("\\x%02x", x & 0xFF));
        return s.toString();
    }
}
