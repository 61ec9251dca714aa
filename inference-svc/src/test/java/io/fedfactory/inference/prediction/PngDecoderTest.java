package io.fedfactory.inference.prediction;

import io.fedfactory.inference.TestImages;
import io.fedfactory.proto.v1.ImageSpec;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PngDecoderTest {

    static ImageSpec spec(int channels, float min, float max) {
        return ImageSpec.newBuilder().setChannels(channels).setHeight(2).setWidth(2).setValueMin(min).setValueMax(max).build();
    }

    @Test
    void sixteenBitGrayIsScaledOntoTheValueRange() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
        int[] samples = {0, 65535, 32768, 16384};
        for (int i = 0; i < 4; i++) image.getRaster().setSample(i % 2, i / 2, 0, samples[i]);
        float[] out = PngDecoder.decode(TestImages.png(image), spec(1, -1, 1), "png");
        for (int i = 0; i < 4; i++) assertEquals(-1 + 2 * samples[i] / 65535f, out[i], 1e-6f);
    }

    @Test
    void grayIsReplicatedIntoThreeChannelsAndColourKeepsItsChannels() {
        byte[] gray = TestImages.grayPng(new float[] {0, 1, 0.2f, 0.6f}, 2, 2);
        float[] rgbFromGray = PngDecoder.decode(gray, spec(3, 0, 1), "png");
        float[] plane = {0, 1, 0.2f, 0.6f};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) assertEquals(plane[i], rgbFromGray[c * 4 + i], 1e-6f);
        }
        byte[] colour = TestImages.rgbPng(new int[] {0xff0000, 0x00ff00, 0x0000ff, 0x336699}, 2, 2);
        float[] chw = PngDecoder.decode(colour, spec(3, 0, 255), "png");
        assertArrayEquals(new float[] {255, 0, 0, 0x33, 0, 255, 0, 0x66, 0, 0, 255, 0x99}, chw, 1e-4f);
    }

    @Test
    void headerSizeIsCheckedBeforeDecoding() {
        byte[] big = TestImages.grayPng(new float[9], 3, 3);
        PredictionException e = assertThrows(PredictionException.class, () -> PngDecoder.decode(big, spec(1, 0, 1), "image.png"));
        assertEquals("image.png", e.field());
        assertEquals("image.png: is 3x3 (width x height); the model's image spec takes 2x2", e.getMessage());
    }
}
