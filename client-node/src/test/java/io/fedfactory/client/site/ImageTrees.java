package io.fedfactory.client.site;

import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** Writes small real image files (PNG or JPEG, grey or RGB, any size) into site folder trees. */
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

    private ImageTrees() {
    }
}
