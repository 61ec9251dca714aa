package io.fedfactory.generative.decoder;

import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.SampleGenerator;
import io.fedfactory.determinism.SplitMix64;

import java.util.Objects;

/** Samples a decoder module: z ~ N(0, I) from each sample's seed, decoded, clipped into the spec's range. */
public final class LatentDecoding implements SampleGenerator {

    private final Decoder decoder;
    private final ImageSpec spec;
    private final int latentDim;

    public LatentDecoding(Decoder decoder, ImageSpec spec, int latentDim) {
        this.decoder = Objects.requireNonNull(decoder);
        this.spec = Objects.requireNonNull(spec);
        this.latentDim = latentDim;
    }

    @Override
    public ImageSpec spec() {
        return spec;
    }

    @Override
    public float[] generate(long[] seeds) {
        float[] z = new float[seeds.length * latentDim];
        for (int i = 0; i < seeds.length; i++) new SplitMix64(seeds[i]).fillGaussian(z, i * latentDim, latentDim);
        float[] images = decoder.decode(z, seeds.length);
        for (int i = 0; i < images.length; i++) {
            // A foreign module may overshoot; NaN stays NaN so admission checks can see it.
            images[i] = Math.min(spec.valueMax(), Math.max(spec.valueMin(), images[i]));
        }
        return images;
    }
}
