package io.fedfactory.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A directory tree of images, one sub-directory per class: {@code root/<class>/*.png|jpg|jpeg}. Files
 * within a class are read in name order, other files and hidden entries are ignored. A site keeping
 * its images as files needs nothing else.
 *
 * <p>Two ways to read one: {@link #load} takes the classes from the folders (sorted by name) and stops
 * at the first problem; {@link #scan} reads a site's tree against a federation's labels and image
 * spec, where a folder may hold any subset of the labels, and reports every problem at once.
 */
public final class ImageFolder {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");
    /** The most pixels an image file may declare (8192 x 8192); larger ones are refused before decoding. */
    public static final long MAX_DECODED_PIXELS = 1L << 26;

    private ImageFolder() {}

    /** Loads images that must all share one size, as {@code channels} (1 = grey, 3 = RGB) in [0, 1]. */
    public static Dataset load(Path root, int channels) throws IOException {
        return load(root, channels, 0, 0);
    }

    /**
     * Loads images resized to {@code height x width} (antialiased bilinear, see {@link Resampling}).
     * A height and width of 0 mean "keep the size", which then must be the same for every image.
     */
    public static Dataset load(Path root, int channels, int height, int width) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image folder " + root + ": channels must be 1 or 3, got " + channels);
        }
        boolean resize = height != 0 || width != 0;
        if (resize) ImageSpec.unitRange(channels, height, width); // validates the target size
        if (!Files.isDirectory(root)) throw new FileNotFoundException(root + ": image folder root is not a directory");
        List<Path> classDirs = list(root, Files::isDirectory);
        if (classDirs.isEmpty()) {
            throw new MalformedDataException(root.toString(), "holds no class sub-directories (root/<class>/*.png)");
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        for (Path classDir : classDirs) {
            List<Path> images = list(classDir, p -> Files.isRegularFile(p) && isImageName(p));
            if (images.isEmpty()) {
                throw new MalformedDataException(classDir.toString(), "class directory holds no .png, .jpg or .jpeg files");
            }
            for (Path f : images) {
                files.add(f);
                labelList.add(names.size());
            }
            names.add(classDir.getFileName().toString());
        }

        ImageSpec spec = resize ? ImageSpec.unitRange(channels, height, width) : null;
        Path specSource = null;
        float[] pixels = null;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            BufferedImage img = decode(f);
            if (img.getHeight() > ImageSpec.MAX_SIDE || img.getWidth() > ImageSpec.MAX_SIDE) {
                throw new MalformedDataException(f.toString(), "is " + img.getWidth() + "x" + img.getHeight()
                        + " (width x height), larger than ImageSpec.MAX_SIDE = " + ImageSpec.MAX_SIDE);
            }
            float[] chw = toChw(img, channels);
            if (spec == null) {
                spec = ImageSpec.unitRange(channels, img.getHeight(), img.getWidth());
                specSource = f;
            } else if (!resize && (img.getHeight() != spec.height() || img.getWidth() != spec.width())) {
                throw new MalformedDataException(f.toString(), "is " + img.getWidth() + "x" + img.getHeight()
                        + " (width x height) but " + specSource + " is " + spec.width() + "x" + spec.height()
                        + "; all images must share one size, or pass a target size to resize them");
            }
            if (resize) {
                chw = Resampling.resize(chw, channels, img.getHeight(), img.getWidth(), height, width);
            }
            if (pixels == null) {
                if ((long) files.size() * spec.pixels() > IdxFormat.MAX_ARRAY) {
                    throw new MalformedDataException(root.toString(), files.size() + " images of " + spec
                            + " exceed the limit of " + IdxFormat.MAX_ARRAY + " values in one dataset");
                }
                pixels = new float[files.size() * spec.pixels()];
            }
            System.arraycopy(chw, 0, pixels, i * spec.pixels(), spec.pixels());
        }
        int[] labels = labelList.stream().mapToInt(Integer::intValue).toArray();
        return new Dataset(root.getFileName().toString(), spec, names, pixels, labels);
    }

    /**
     * Reads a site's tree against a federation: each sub-folder must be named as one of {@code labels}
     * (any subset; an empty folder means the class is not held), and every image is converted to
     * {@code target}: grey is repeated into three channels, colour is reduced to grey with the ITU-R 601
     * weights, and a size other than the target's is refused or resized as {@code sizes} says. Nothing
     * is thrown for a bad file: every refusal (an unknown label folder, a file that does not decode,
     * a wrong size under {@link SizePolicy#REFUSE}) is collected, so a site sees all of them at once.
     * Pixels are in [0, 1].
     */
    public static FolderScan scan(Path root, List<String> labels, ImageSpec target, SizePolicy sizes) throws IOException {
        List<RefusedFile> refused = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        java.util.Map<String, Path> folders = new java.util.TreeMap<>();
        List<float[]> images = new ArrayList<>();
        List<Integer> imageLabels = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            refused.add(new RefusedFile(root.toString(), "is not a directory"));
            return new FolderScan(new Dataset(String.valueOf(root.getFileName()), target, labels, new float[0], new int[0]),
                    refused, notes, folders);
        }
        List<Path> ignored = new ArrayList<>(list(root, Files::isRegularFile));
        java.util.Map<String, Integer> resizedFrom = new java.util.TreeMap<>();
        int aspectChanged = 0;
        int[] converted = new int[2]; // colour to grey, grey to colour
        for (Path dir : list(root, Files::isDirectory)) {
            String name = dir.getFileName().toString();
            int label = labels.indexOf(name);
            if (label < 0) {
                refused.add(new RefusedFile(dir.toString(), "folder '" + name + "' is not one of the federation's labels "
                        + labels + "; rename it to a label or move it out of " + root));
                continue;
            }
            folders.put(name, dir);
            ignored.addAll(list(dir, p -> !(Files.isRegularFile(p) && isImageName(p))));
            for (Path f : list(dir, p -> Files.isRegularFile(p) && isImageName(p))) {
                BufferedImage img;
                try {
                    img = decode(f);
                } catch (MalformedDataException e) {
                    refused.add(RefusedFile.of(e));
                    continue;
                }
                int w = img.getWidth(), h = img.getHeight();
                boolean sameSize = h == target.height() && w == target.width();
                if (!sameSize && sizes == SizePolicy.REFUSE) {
                    refused.add(new RefusedFile(f.toString(), "is " + w + "x" + h + " (width x height) but the federation's "
                            + "images are " + target.width() + "x" + target.height() + "; resize it, or choose the resize "
                            + "policy to have every image resized"));
                    continue;
                }
                if (h > ImageSpec.MAX_SIDE || w > ImageSpec.MAX_SIDE) {
                    refused.add(new RefusedFile(f.toString(), "is " + w + "x" + h + " (width x height), larger than "
                            + "ImageSpec.MAX_SIDE = " + ImageSpec.MAX_SIDE));
                    continue;
                }
                boolean grey = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
                if (grey && target.channels() == 3) converted[1]++;
                if (!grey && target.channels() == 1) converted[0]++;
                float[] chw = toChw(img, target.channels());
                if (!sameSize) {
                    chw = Resampling.resize(chw, target.channels(), h, w, target.height(), target.width());
                    resizedFrom.merge(w + "x" + h, 1, Integer::sum);
                    if ((long) w * target.height() != (long) h * target.width()) aspectChanged++;
                }
                if ((long) (images.size() + 1) * target.pixels() > IdxFormat.MAX_ARRAY) {
                    throw new MalformedDataException(root.toString(), "more than " + images.size() + " images of "
                            + target + " exceed the limit of " + IdxFormat.MAX_ARRAY + " values in one dataset");
                }
                images.add(chw);
                imageLabels.add(label);
            }
        }
        if (!resizedFrom.isEmpty()) {
            int n = resizedFrom.values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder from = new StringBuilder();
            resizedFrom.forEach((size, count) -> from.append(from.length() == 0 ? "" : ", ").append(count).append(" from ").append(size));
            notes.add(n + (n == 1 ? " image" : " images") + " in " + root + " resized to " + target.width() + "x" + target.height()
                    + " (antialiased bilinear): " + from + (aspectChanged > 0 ? "; " + aspectChanged
                    + " of them changed aspect ratio (stretched, not cropped)" : ""));
        }
        if (converted[0] > 0) {
            notes.add(converted[0] + " colour images in " + root + " converted to grey (ITU-R 601 luma weights)");
        }
        if (converted[1] > 0) {
            notes.add(converted[1] + " grey images in " + root + " repeated into 3 channels (R = G = B)");
        }
        if (!ignored.isEmpty()) {
            notes.add(ignored.size() + (ignored.size() == 1 ? " entry" : " entries") + " ignored (not a .png, .jpg or "
                    + ".jpeg file in a label folder), first " + ignored.get(0));
        }
        float[] pixels = new float[images.size() * target.pixels()];
        for (int i = 0; i < images.size(); i++) System.arraycopy(images.get(i), 0, pixels, i * target.pixels(), target.pixels());
        int[] lb = imageLabels.stream().mapToInt(Integer::intValue).toArray();
        return new FolderScan(new Dataset(root.getFileName().toString(), target, labels, pixels, lb), refused, notes, folders);
    }

    /** The class folders of a tree, sorted by name (hidden entries left out); empty when there are none. */
    public static List<String> classNames(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new FileNotFoundException(root + ": image folder root is not a directory");
        return list(root, Files::isDirectory).stream().map(p -> p.getFileName().toString()).toList();
    }

    /**
     * The spec of a tree's first image (the first file by name of the first class folder, by name, that
     * holds one): 1 channel if it is grey, 3 if colour; its height and width; values in [0, 1].
     *
     * @throws MalformedDataException naming the file when that image does not decode, or the root when
     *                                no class folder holds a .png, .jpg or .jpeg file
     */
    public static ImageSpec firstImageSpec(Path root) throws IOException {
        for (Path dir : list(root, Files::isDirectory)) {
            List<Path> images = list(dir, p -> Files.isRegularFile(p) && isImageName(p));
            if (images.isEmpty()) continue;
            BufferedImage img = decode(images.get(0));
            if (img.getHeight() > ImageSpec.MAX_SIDE || img.getWidth() > ImageSpec.MAX_SIDE) {
                throw new MalformedDataException(images.get(0).toString(), "is " + img.getWidth() + "x" + img.getHeight()
                        + " (width x height), larger than ImageSpec.MAX_SIDE = " + ImageSpec.MAX_SIDE);
            }
            boolean grey = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
            return ImageSpec.unitRange(grey ? 1 : 3, img.getHeight(), img.getWidth());
        }
        throw new MalformedDataException(root.toString(), "no class folder holds a .png, .jpg or .jpeg file");
    }

    /**
     * Decodes one image file, after checking the size its header declares: a file of a few bytes may
     * declare billions of pixels, which a plain {@code ImageIO.read} would allocate before it fails.
     */
    private static BufferedImage decode(Path f) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new MalformedDataException(f.toString(), "is not a PNG or JPEG image (no image reader recognises its bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if ((long) w * h > MAX_DECODED_PIXELS) {
                    throw new MalformedDataException(f.toString(), "declares " + w + "x" + h + " (width x height), more than "
                            + "ImageFolder.MAX_DECODED_PIXELS = " + MAX_DECODED_PIXELS + " pixels");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (MalformedDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedDataException(f.toString(), "cannot be decoded as an image: " + e.getMessage());
        }
    }

    /**
     * Grey images are read from the raster: {@code getRGB} would pass them through a linear-to-sRGB
     * conversion and brighten every pixel. Colour is reduced to grey with the ITU-R 601 weights in
     * Pillow's integer form, so a folder and a Pillow pipeline agree. Alpha is ignored.
     */
    static float[] toChw(BufferedImage img, int channels) {
        int h = img.getHeight(), w = img.getWidth(), plane = h * w;
        float[] out = new float[channels * plane];
        boolean grey = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (grey) {
            Raster r = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = r.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) out[c * plane + y * w + x] = v;
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int red = (rgb >> 16) & 0xFF, green = (rgb >> 8) & 0xFF, blue = rgb & 0xFF;
                int p = y * w + x;
                if (channels == 1) {
                    out[p] = Pixels.unit((red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16);
                } else {
                    out[p] = Pixels.unit(red);
                    out[plane + p] = Pixels.unit(green);
                    out[2 * plane + p] = Pixels.unit(blue);
                }
            }
        }
        return out;
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static List<Path> list(Path dir, Predicate<Path> keep) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(keep)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }
}
