package io.fedfactory.inference;

import com.google.protobuf.ByteString;
import io.fedfactory.proto.v1.ImageInput;
import io.fedfactory.proto.v1.RawTensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Test images as the clients send them: PNG files and raw tensors. */
public final class TestImages {

    private TestImages() {}

    /** An 8-bit gray PNG of {@code width x height} from values in [0, 1] (row-major). */
    public static byte[] grayPng(float[] values, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, Math.round(values[y * width + x] * 255));
            }
        }
        return png(image);
    }

    /** An RGB PNG from packed 0xRRGGBB pixels (row-major). */
    public static byte[] rgbPng(int[] rgb, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) image.setRGB(x, y, rgb[y * width + x]);
        }
        return png(image);
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) throw new IllegalStateException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static ImageInput tensor(float[] values, long... shape) {
        RawTensor.Builder t = RawTensor.newBuilder();
        for (float v : values) t.addValues(v);
        for (long d : shape) t.addShape(d);
        return ImageInput.newBuilder().setTensor(t).build();
    }

    public static ImageInput tensor4x4(float[] values) {
        return tensor(values, 1, 4, 4);
    }

    public static ImageInput png(byte[] png) {
        return ImageInput.newBuilder().setPng(ByteString.copyFrom(png)).build();
    }

    /** JSON body {"tensor":[...],"shape":[1,4,4]}. */
    public static String json4x4(float[] values) {
        StringBuilder s = new StringBuilder("{\"tensor\":[");
        for (int i = 0; i < values.length; i++) s.append(i == 0 ? "" : ",").append(values[i]);
        return s.append("],\"shape\":[1,4,4]}").toString();
    }
}
