package io.fedfactory.data.site;

import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes small real data files as a site keeps them: image files (PNG or JPEG, grey or RGB, any size) in
 * folder trees, MedMNIST-style .npz archives and CIFAR-10 binary batches; the {@code separable} writers
 * give each class its own colour or grey level, so a classifier can tell them apart after a few steps.
 */
public final class ImageTrees {

    public static final List<String> LABELS = List.of("cat", "dog", "owl");

    public static FederationSpec spec(int channels, int side) {
        return FederationSpec.newBuilder().setFederationId("fed-byod").addAllLabelNames(LABELS)
                .setImageSpec(ImageSpec.newBuilder().setChannels(channels).setHeight(side).setWidth(side).setValueMax(1))
                .build();
    }

    /** {@code count} images of one class, each a noisy level that depends on the class, named 000.png... */
    public static void write(Path dir, int count, String format, boolean colour, int width, int height, long seed)
            throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(width, height, colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
            int base = (int) (seed % 3) * 90;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int v = Math.min(255, base + r.nextInt(40));
                    if (colour) img.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (x * 255 / Math.max(1, width - 1)));
                    else img.getRaster().setSample(x, y, 0, v);
                }
            }
            String ext = format.equals("jpg") ? "jpg" : "png";
            Path f = dir.resolve(String.format("%03d.%s", i, ext));
            if (!ImageIO.write(img, format.equals("jpg") ? "jpg" : "png", f.toFile())) {
                throw new IOException("no " + format + " writer");
            }
        }
    }

    /** The classes of {@link #colourTree}: each image is a noisy field of its class's colour. */
    public static final List<String> COLOURS = List.of("blue", "green", "red");

    /**
     * {@code perClass} RGB PNGs of {@code side x side} for each of {@link #COLOURS} under {@code dir/<colour>/}:
     * the class's channel bright (about 200 of 255), the other two dark (about 40), noise of +-25 on each.
     */
    public static void colourTree(Path dir, int perClass, int side, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        for (String colour : COLOURS) {
            Path folder = dir.resolve(colour);
            Files.createDirectories(folder);
            int bright = 2 - COLOURS.indexOf(colour); // red is channel 0 of RGB, blue channel 2
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int[] rgb = new int[3];
                        for (int c = 0; c < 3; c++) rgb[c] = (c == bright ? 200 : 40) + r.nextInt(51) - 25;
                        img.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
                    }
                }
                ImageIO.write(img, "png", folder.resolve(String.format("%03d.png", i)).toFile());
            }
        }
    }

    /**
     * A MedMNIST-style archive of uint8 grey images {@code (N, side, side)} and labels {@code (N, 1)}: a
     * {@code train_} split and, when {@code testLabels} is not null, a {@code test_} split. Label k of K
     * is a grey level of 40 + 175 k / (K - 1), noise of +-25 on each pixel.
     */
    public static void separableNpz(Path file, int side, int[] trainLabels, int[] testLabels, long seed) throws IOException {
        int classes = 1 + java.util.stream.IntStream.concat(java.util.Arrays.stream(trainLabels),
                testLabels == null ? java.util.stream.IntStream.empty() : java.util.Arrays.stream(testLabels)).max().orElse(0);
        SplittableRandom r = new SplittableRandom(seed);
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            for (String split : testLabels == null ? List.of("train") : List.of("train", "test")) {
                int[] labels = split.equals("train") ? trainLabels : testLabels;
                int n = labels.length;
                byte[] images = new byte[n * side * side];
                byte[] lb = new byte[n];
                for (int i = 0; i < n; i++) {
                    lb[i] = (byte) labels[i];
                    int level = 40 + 175 * labels[i] / Math.max(1, classes - 1);
                    for (int p = 0; p < side * side; p++) {
                        images[i * side * side + p] = (byte) Math.max(0, Math.min(255, level + r.nextInt(51) - 25));
                    }
                }
                zip.putNextEntry(new java.util.zip.ZipEntry(split + "_images.npy"));
                zip.write(npy("|u1", "(" + n + ", " + side + ", " + side + ")", images));
                zip.putNextEntry(new java.util.zip.ZipEntry(split + "_labels.npy"));
                zip.write(npy("|u1", "(" + n + ", 1)", lb));
            }
        }
    }

    /** A .npy file (format 1.0) holding {@code data} as {@code descr} of {@code shape}, C order. */
    public static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        var b = java.nio.ByteBuffer.allocate(10 + header.length() + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    /**
     * A CIFAR-10 binary batch: per record a label byte and 32x32 red, green and blue planes. Label k's
     * channel k % 3 is bright (about 200), the others dark (about 40), noise of +-25 on each pixel.
     */
    public static void separableCifarBatch(Path file, int[] labels, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        int plane = 32 * 32;
        byte[] batch = new byte[labels.length * (1 + 3 * plane)];
        for (int i = 0; i < labels.length; i++) {
            int at = i * (1 + 3 * plane);
            batch[at] = (byte) labels[i];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    batch[at + 1 + c * plane + p] = (byte) ((c == labels[i] % 3 ? 200 : 40) + r.nextInt(51) - 25);
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, batch);
    }

    private ImageTrees() {
    }
}
