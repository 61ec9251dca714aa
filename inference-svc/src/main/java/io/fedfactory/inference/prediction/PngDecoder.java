package io.fedfactory.inference.prediction;

import io.fedfactory.proto.v1.ImageSpec;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Decodes a PNG into the model's CHW float layout: the header's size is checked against the image
 * spec before any pixel is decoded (a small file may claim a huge image), gray and colour are
 * converted to the spec's channels (ITU-R BT.601 luma for colour to gray, replication for gray to
 * colour), alpha is ignored, and 0..255 (or 0..65535) is scaled linearly onto the spec's value range.
 */
final class PngDecoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static {
        // Decoding needs no display; make sure AWT never looks for one.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private PngDecoder() {}

    static float[] decode(byte[] png, ImageSpec spec, String field) {
        if (png.length < SIGNATURE.length) {
            throw PredictionException.overLimit(field, "NOT_PNG", "PNG", "has " + png.length + " bytes, too short to be a PNG");
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (png[i] != SIGNATURE[i]) throw PredictionException.overLimit(field, "NOT_PNG", "PNG", "is not a PNG (wrong signature)");
        }
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
            if (!readers.hasNext()) throw PredictionException.failed("no PNG decoder in this JVM");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width != spec.getWidth() || height != spec.getHeight()) {
                    throw PredictionException.overLimit(field, "IMAGE_SIZE", spec.getWidth() + "x" + spec.getHeight(), "is "
                            + width + "x" + height + " (width x height); the model's image spec takes " + spec.getWidth()
                            + "x" + spec.getHeight());
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof PredictionException p) throw p;
            throw PredictionException.overLimit(field, "NOT_PNG", "PNG", "does not decode as a PNG: " + e.getMessage());
        }
        return pixels(image, spec);
    }

    private static float[] pixels(BufferedImage image, ImageSpec spec) {
        int h = spec.getHeight();
        int w = spec.getWidth();
        int plane = h * w;
        float min = spec.getValueMin();
        float range = spec.getValueMax() - min;
        float[] out = new float[spec.getChannels() * plane];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        // Gray read straight from the raster: getRGB would push it through a colour space conversion
        // and change the values.
        boolean gray = cm.getNumColorComponents() == 1 && raster.getNumBands() >= 1
                && !(cm instanceof java.awt.image.IndexColorModel);
        float grayMax = gray ? (float) ((1L << cm.getComponentSize(0)) - 1) : 255f;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = y * w + x;
                if (gray) {
                    float v = raster.getSample(x, y, 0) / grayMax;
                    for (int c = 0; c < spec.getChannels(); c++) out[c * plane + at] = min + v * range;
                } else {
                    int rgb = image.getRGB(x, y);
                    float r = ((rgb >> 16) & 0xff) / 255f;
                    float g = ((rgb >> 8) & 0xff) / 255f;
                    float b = (rgb & 0xff) / 255f;
                    if (spec.getChannels() == 1) {
                        out[at] = min + (0.299f * r + 0.587f * g + 0.114f * b) * range;
                    } else {
                        out[at] = min + r * range;
                        out[plane + at] = min + g * range;
                        out[2 * plane + at] = min + b * range;
                    }
                }
            }
        }
        // Rounding in min + v * range may land a hair outside the range; the model was promised it.
        for (int i = 0; i < out.length; i++) out[i] = Math.max(min, Math.min(spec.getValueMax(), out[i]));
        return out;
    }
}
