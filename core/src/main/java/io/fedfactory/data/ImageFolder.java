package io.fedfactory.data;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A directory tree of images, one sub-directory per class: {@code root/<class>/*.png|jpg|jpeg}. Classes
 * are the sub-directories sorted by name (labels follow that order), files within a class are read in
 * name order, other files and hidden entries are ignored. A site keeping its images as files needs
 * nothing else.
 */
public final class ImageFolder {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

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

    private static BufferedImage decode(Path f) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException | RuntimeException e) {
            throw new MalformedDataException(f.toString(), "cannot be decoded as an image: " + e.getMessage());
        }
        if (img == null) throw new MalformedDataException(f.toString(), "is not in a format javax.imageio can read");
        return img;
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
