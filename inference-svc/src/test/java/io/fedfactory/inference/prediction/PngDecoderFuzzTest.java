package io.fedfactory.inference.prediction;

import io.fedfactory.fuzz.BoundaryFuzz;
import io.fedfactory.inference.TestImages;
import io.fedfactory.proto.v1.ImageSpec;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes offered as a PNG either decode into the spec's layout and range or are refused as
 * INVALID_ARGUMENT naming the field; nothing else escapes, nothing hangs ({@link BoundaryFuzz}).
 */
class PngDecoderFuzzTest {

    private static final ImageSpec SPEC = ImageSpec.newBuilder().setChannels(1).setHeight(4).setWidth(4)
            .setValueMin(-1).setValueMax(1).build();

    @Test
    void mutatedPngsDecodeOrAreRefusedByName() {
        byte[] gray = TestImages.grayPng(new float[] {0, .1f, .2f, .3f, .4f, .5f, .6f, .7f, .8f, .9f, 1, 0, .5f, .5f, .25f, .75f}, 4, 4);
        byte[] rgb = TestImages.rgbPng(new int[] {0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0, 0x123456, 0x654321, 0x808080,
                0xff00ff, 0x00ffff, 0xffff00, 0x010203, 0xa0b0c0, 0x0f0f0f, 0xf0f0f0, 0x777777}, 4, 4);
        int[] refused = {0};
        BoundaryFuzz.configured().within(java.time.Duration.ofSeconds(10)).run("png",
                new byte[][] {gray, rgb}, (i, png) -> {
                    float[] pixels;
                    try {
                        pixels = PngDecoder.decode(png, SPEC, "images[0].png");
                    } catch (PredictionException e) {
                        assertEquals(Status.Code.INVALID_ARGUMENT, e.grpcCode(), e.getMessage());
                        assertEquals("images[0].png", e.field());
                        assertTrue(java.util.Set.of("NOT_PNG", "IMAGE_SIZE").contains(e.reason()), e.reason() + ": " + e.getMessage());
                        refused[0]++;
                        return;
                    }
                    assertEquals(16, pixels.length);
                    for (float v : pixels) assertTrue(v >= -1 && v <= 1, "value " + v + " outside the spec's range");
                });
        assertTrue(refused[0] > 0, "the mutations reached the refusals");
    }
}
