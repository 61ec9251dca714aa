package io.fedfactory.data;

import io.fedfactory.storage.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian int32 magic ({@value #IMAGES_MAGIC} for
 * images, {@value #LABELS_MAGIC} for labels), the item count, for images the rows and columns, then
 * one unsigned byte per pixel or label. Files may be gzipped or raw; gzip is recognised by its magic
 * bytes, not by the file name, because renamed copies of both kinds circulate.
 */
public final class IdxFormat {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    /** Java arrays stop a little short of Integer.MAX_VALUE. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private IdxFormat() {}

    /** Raw image bytes as stored: {@code count} images of {@code rows x cols}, row-major. */
    record Images(int count, int rows, int cols, byte[] bytes) {}

    /** Loads images and labels, naming the classes "0".."k-1" with k one more than the largest label. */
    public static Dataset load(String name, Path images, Path labels) throws IOException {
        return load(name, images, labels, null);
    }

    /**
     * Loads an image file and its label file as a 1-channel dataset in [0, 1].
     *
     * @param labelNames class names indexed by label, or null for "0".."k-1"
     */
    public static Dataset load(String name, Path images, Path labels, List<String> labelNames) throws IOException {
        try (InputStream im = Files.newInputStream(images); InputStream lb = Files.newInputStream(labels)) {
            return load(name, im, images.toString(), lb, labels.toString(), labelNames);
        }
    }

    /** As {@link #load(String, Path, Path, List)}, from streams; the source strings name them in errors. */
    public static Dataset load(String name, InputStream images, String imagesSource,
                               InputStream labels, String labelsSource, List<String> labelNames) throws IOException {
        Images im = readImages(images, imagesSource);
        byte[] lb = readLabels(labels, labelsSource);
        if (im.count() != lb.length) {
            throw new MalformedDataException(imagesSource, "holds " + im.count() + " images but labels file "
                    + labelsSource + " holds " + lb.length + " labels; they must match one to one");
        }
        int[] labelInts = new int[lb.length];
        int max = 0;
        for (int i = 0; i < lb.length; i++) {
            labelInts[i] = lb[i] & 0xFF;
            max = Math.max(max, labelInts[i]);
        }
        List<String> names = labelNames != null ? labelNames : LabelNames.numbered(max + 1);
        LabelNames.checkRange(labelsSource, labelInts, names.size());
        float[] pixels = Pixels.unitFloats(im.bytes());
        return new Dataset(name, ImageSpec.unitRange(1, im.rows(), im.cols()), names, pixels, labelInts);
    }

    static Images readImages(InputStream raw, String source) throws IOException {
        InputStream in = maybeGunzip(raw, source);
        try {
            readMagic(in, source, IMAGES_MAGIC, "IDX images (unsigned byte, 3 dimensions)");
            byte[] dims = readExactly(in, source, 12, "header");
            ByteBuffer b = ByteBuffer.wrap(dims);
            int count = b.getInt();
            int rows = b.getInt();
            int cols = b.getInt();
            if (count < 0) {
                throw new MalformedDataException(source, "negative image count " + count);
            }
            checkSide(source, "rows", rows);
            checkSide(source, "cols", cols);
            long total = (long) count * rows * cols;
            if (total > MAX_ARRAY) {
                throw new MalformedDataException(source, count + " images of " + rows + "x" + cols + " need "
                        + total + " bytes, more than the limit of " + MAX_ARRAY);
            }
            byte[] bytes = readBody(in, source, (int) total, 16,
                    count + " images of " + rows + "x" + cols);
            return new Images(count, rows, cols, bytes);
        } catch (EOFException | ZipException e) {
            throw new MalformedDataException(source, "corrupt or truncated gzip stream: " + e.getMessage());
        }
    }

    static byte[] readLabels(InputStream raw, String source) throws IOException {
        InputStream in = maybeGunzip(raw, source);
        try {
            readMagic(in, source, LABELS_MAGIC, "IDX labels (unsigned byte, 1 dimension)");
            int count = ByteBuffer.wrap(readExactly(in, source, 4, "header")).getInt();
            if (count < 0) {
                throw new MalformedDataException(source, "negative label count " + count);
            }
            return readBody(in, source, count, 8, count + " labels");
        } catch (EOFException | ZipException e) {
            throw new MalformedDataException(source, "corrupt or truncated gzip stream: " + e.getMessage());
        }
    }

    /** Writes a 1-channel dataset as an IDX image file and label file, gzipped if asked. */
    public static void write(Dataset data, Path images, Path labels, boolean gzip) throws IOException {
        ImageSpec spec = data.spec();
        if (spec.channels() != 1) {
            throw new IllegalArgumentException("IDX holds 1-channel images; dataset " + data.name()
                    + " has " + spec.channels() + " channels");
        }
        if (data.numClasses() > 256) {
            throw new IllegalArgumentException("IDX labels are single bytes; dataset " + data.name()
                    + " has " + data.numClasses() + " classes, more than 256");
        }
        ByteArrayOutputStream im = new ByteArrayOutputStream();
        DataOutputStream imOut = new DataOutputStream(im);
        imOut.writeInt(IMAGES_MAGIC);
        imOut.writeInt(data.size());
        imOut.writeInt(spec.height());
        imOut.writeInt(spec.width());
        imOut.write(Pixels.toBytes(data.pixelsView(), spec.valueMin(), spec.valueMax()));
        ByteArrayOutputStream lb = new ByteArrayOutputStream();
        DataOutputStream lbOut = new DataOutputStream(lb);
        lbOut.writeInt(LABELS_MAGIC);
        lbOut.writeInt(data.size());
        for (int i = 0; i < data.size(); i++) lbOut.writeByte(data.label(i));
        AtomicFiles.write(images, gzip ? gzip(im.toByteArray()) : im.toByteArray());
        AtomicFiles.write(labels, gzip ? gzip(lb.toByteArray()) : lb.toByteArray());
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** Wraps the stream in a gunzip stream when it starts with the gzip magic 1f 8b. */
    static InputStream maybeGunzip(InputStream raw, String source) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            } catch (EOFException | ZipException e) {
                throw new MalformedDataException(source, "corrupt or truncated gzip header: " + e.getMessage());
            }
        }
        return in;
    }

    private static void readMagic(InputStream in, String source, int expected, String what) throws IOException {
        int magic = ByteBuffer.wrap(readExactly(in, source, 4, "magic number")).getInt();
        if (magic != expected) {
            throw new MalformedDataException(source, String.format(
                    "wrong magic number: expected 0x%08x (%s), got 0x%08x", expected, what, magic));
        }
    }

    private static byte[] readExactly(InputStream in, String source, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new MalformedDataException(source, "truncated " + what + ": expected " + n
                    + " bytes, got " + b.length);
        }
        return b;
    }

    private static byte[] readBody(InputStream in, String source, int n, int headerBytes, String what)
            throws IOException {
        // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge allocation.
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new MalformedDataException(source, "truncated: " + what + " need " + (headerBytes + (long) n)
                    + " bytes (uncompressed, header included), got " + (headerBytes + (long) b.length));
        }
        if (in.read() != -1) {
            throw new MalformedDataException(source, "trailing data after " + what
                    + ": the file is longer than its header declares (" + (headerBytes + (long) n) + " bytes)");
        }
        return b;
    }

    private static void checkSide(String source, String field, int side) throws MalformedDataException {
        if (side < 1 || side > ImageSpec.MAX_SIDE) {
            throw new MalformedDataException(source, field + " = " + side + " is outside [1, "
                    + ImageSpec.MAX_SIDE + "] (ImageSpec.MAX_SIDE)");
        }
    }
}
