package io.fedfactory.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * MedMNIST archives ({@code bloodmnist.npz} and kin): a zip of {@code .npy} arrays named
 * {@code <split>_images} (uint8, (N,H,W) grey or (N,H,W,3) colour, channel-last) and
 * {@code <split>_labels} ((N,1) or (N,) integers). Images are turned channel-first and scaled to
 * [0, 1]. Multi-label archives (ChestMNIST) are refused: a class per image is what the federation needs.
 */
public final class MedMnist {

    private MedMnist() {}

    /** Loads a split with classes named "0".."k-1", k taken over all label arrays in the archive. */
    public static Dataset load(Path npz, Split split) throws IOException {
        return load(npz, split, null);
    }

    /**
     * Loads a split.
     *
     * @param labelNames class names indexed by label (MedMNIST's INFO dict has them), or null for "0".."k-1"
     */
    public static Dataset load(Path npz, Split split, List<String> labelNames) throws IOException {
        String archive = npz.toString();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            String prefix = split.shortName();
            NpyArray images = read(zip, archive, prefix + "_images");
            NpyArray labels = read(zip, archive, prefix + "_labels");
            String imagesSource = archive + "!" + prefix + "_images.npy";
            String labelsSource = archive + "!" + prefix + "_labels.npy";
            ImageSpec spec = imageSpec(images, imagesSource);
            int n = images.shape()[0];
            int[] labelInts = labelVector(labels, labelsSource);
            if (labelInts.length != n) {
                throw new MalformedDataException(imagesSource, "holds " + n + " images but " + labelsSource
                        + " holds " + labelInts.length + " labels; they must match one to one");
            }
            List<String> names = labelNames != null ? labelNames : LabelNames.numbered(largestLabel(zip, archive) + 1);
            LabelNames.checkRange(labelsSource, labelInts, names.size());
            String name = stem(npz) + "-" + prefix;
            return new Dataset(name, spec, names, toChw(images.data(), n, spec), labelInts);
        } catch (ZipException e) {
            throw new MalformedDataException(archive, "not a readable zip archive: " + e.getMessage());
        }
    }

    /** Whether the archive holds both arrays of {@code split}. */
    public static boolean hasSplit(Path npz, Split split) throws IOException {
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            String prefix = split.shortName();
            return (zip.getEntry(prefix + "_images.npy") != null || zip.getEntry(prefix + "_images") != null)
                    && (zip.getEntry(prefix + "_labels.npy") != null || zip.getEntry(prefix + "_labels") != null);
        } catch (ZipException e) {
            throw new MalformedDataException(npz.toString(), "not a readable zip archive: " + e.getMessage());
        }
    }

    private static NpyArray read(ZipFile zip, String archive, String array) throws IOException {
        ZipEntry entry = zip.getEntry(array + ".npy");
        if (entry == null) entry = zip.getEntry(array);
        if (entry == null) {
            throw new FileNotFoundException(archive + ": has no array " + array + ".npy; it holds " + entryNames(zip));
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return NpyArray.read(in, archive + "!" + entry.getName());
        }
    }

    private static ImageSpec imageSpec(NpyArray images, String source) throws MalformedDataException {
        if (!images.descr().equals("|u1")) {
            throw new MalformedDataException(source, "images must be uint8 ('|u1'), got '" + images.descr() + "'");
        }
        int[] s = images.shape();
        boolean grey = s.length == 3 || (s.length == 4 && s[3] == 1);
        boolean colour = s.length == 4 && s[3] == 3;
        if (!grey && !colour) {
            throw new MalformedDataException(source, "images shape " + images.shapeText()
                    + " is neither (N, H, W), (N, H, W, 1) nor (N, H, W, 3)");
        }
        for (int axis = 1; axis <= 2; axis++) {
            if (s[axis] < 1 || s[axis] > ImageSpec.MAX_SIDE) {
                throw new MalformedDataException(source, (axis == 1 ? "height" : "width") + " = " + s[axis]
                        + " is outside [1, " + ImageSpec.MAX_SIDE + "] (ImageSpec.MAX_SIDE)");
            }
        }
        return ImageSpec.unitRange(colour ? 3 : 1, s[1], s[2]);
    }

    private static int[] labelVector(NpyArray labels, String source) throws MalformedDataException {
        int[] s = labels.shape();
        if (s.length == 2 && s[1] != 1) {
            throw new MalformedDataException(source, "labels shape " + labels.shapeText()
                    + " is multi-label; only one label per image, shape (N,) or (N, 1), is supported");
        }
        if (s.length != 1 && s.length != 2) {
            throw new MalformedDataException(source, "labels shape " + labels.shapeText()
                    + " is neither (N,) nor (N, 1)");
        }
        return labels.intValues(source);
    }

    /** The largest label of every split, so that splits loaded separately agree on the class count. */
    private static int largestLabel(ZipFile zip, String archive) throws IOException {
        int max = 0;
        for (Split split : Split.values()) {
            String array = split.shortName() + "_labels";
            if (zip.getEntry(array + ".npy") == null && zip.getEntry(array) == null) continue;
            String source = archive + "!" + array + ".npy";
            for (int v : labelVector(read(zip, archive, array), source)) {
                if (v < 0) throw new MalformedDataException(source, "negative label " + v);
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /** HWC bytes (C = 1 or 3) to CHW floats in [0, 1]. */
    private static float[] toChw(byte[] hwc, int n, ImageSpec spec) {
        int c = spec.channels();
        int plane = spec.height() * spec.width();
        float[] out = new float[hwc.length];
        for (int i = 0; i < n; i++) {
            int base = i * plane * c;
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < c; ch++) {
                    out[base + ch * plane + p] = Pixels.unit(hwc[base + p * c + ch] & 0xFF);
                }
            }
        }
        return out;
    }

    private static List<String> entryNames(ZipFile zip) {
        List<String> names = new ArrayList<>();
        zip.stream().forEach(e -> names.add(e.getName()));
        Collections.sort(names);
        return names;
    }

    private static String stem(Path p) {
        String f = p.getFileName().toString();
        return f.endsWith(".npz") ? f.substring(0, f.length() - 4) : f;
    }
}
