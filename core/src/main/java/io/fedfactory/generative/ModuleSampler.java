package io.fedfactory.generative;

import io.fedfactory.generative.latent.LatentHeunSampler;
import io.fedfactory.generative.latent.OnnxLatentModel;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.decoder.LatentDecoding;
import io.fedfactory.generative.decoder.OnnxDecoder;
import io.fedfactory.generative.diffusion.HeunSampler;
import io.fedfactory.generative.diffusion.OnnxDenoiser;
import io.fedfactory.onnx.runtime.OnnxModel;
import io.fedfactory.onnx.runtime.SessionSettings;

import java.util.Arrays;
import java.util.Objects;

/**
 * Samples a module with ONNX Runtime from its ONNX bytes and manifest alone, whatever framework
 * trained it. Sample i depends only on its seed: the same seeds give bit-identical images for any
 * batch size.
 */
public final class ModuleSampler implements AutoCloseable {

    private final ModuleManifest manifest;
    private final OnnxModel session;
    private final SampleGenerator generator;
    private final int batchSize;

    private ModuleSampler(ModuleManifest manifest, OnnxModel session, SampleGenerator generator, int batchSize) {
        this.manifest = manifest;
        this.session = session;
        this.generator = generator;
        this.batchSize = batchSize;
    }

    /**
     * Opens a session over {@code onnx}, after checking that its hash is the manifest's module id and
     * that its graph keeps the {@link ModuleContract} of the manifest's kind and image spec.
     */
    public static ModuleSampler open(byte[] onnx, ModuleManifest manifest, SamplingOptions options) {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(options, "options");
        String hash = ContentHash.sha256Hex(onnx);
        if (!hash.equals(manifest.moduleId())) {
            throw new IllegalArgumentException("module bytes hash to " + hash + " but the manifest's moduleId is "
                    + manifest.moduleId());
        }
        OnnxModel session = OnnxModel.open(manifest.kind().wireName() + " module " + manifest.moduleId(), onnx,
                SessionSettings.threads(options.intraOpThreads()));
        try {
            ImageSpec spec = manifest.spec();
            int latent = manifest.sampler() instanceof DecoderSampling dec ? dec.latentDim()
                    : manifest.sampler() instanceof LatentDiffusionSampling l ? l.latentDim() : 0;
            try {
                ModuleContract.checkGraph(manifest.kind(), spec.channels(), spec.height(), spec.width(), latent,
                        session.signature());
            } catch (ModuleContract.Violation v) {
                throw new IllegalArgumentException(manifest.kind().wireName() + " module " + manifest.moduleId() + ": "
                        + v.getMessage() + " (has " + session.signature() + ")", v);
            }
            SampleGenerator generator;
            if (manifest.sampler() instanceof DiffusionSampling d) {
                DiffusionSampling params = options.diffusionSteps() == 0 ? d : d.withSteps(options.diffusionSteps());
                generator = new HeunSampler(new OnnxDenoiser(session, spec), spec, params);
            } else if (manifest.sampler() instanceof LatentDiffusionSampling l) {
                LatentDiffusionSampling params = options.diffusionSteps() == 0 ? l : l.withHeunSteps(options.diffusionSteps());
                generator = new LatentHeunSampler(new OnnxLatentModel(session, l.latentDim()), spec, params);
            } else {
                generator = new LatentDecoding(new OnnxDecoder(session, latent), spec, latent);
            }
            return new ModuleSampler(manifest, session, generator, options.batchSize(manifest.kind()));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public ModuleManifest manifest() {
        return manifest;
    }

    /** Samples per ONNX Runtime call (per Heun integration for diffusion). */
    public int batchSize() {
        return batchSize;
    }

    /**
     * One image per seed, flat CHW in the manifest's spec range, computed in batches. Safe to call from
     * several threads at once: the samplers keep no state between calls and the session runs concurrently.
     */
    public float[] sample(long[] seeds) {
        // One batch: the generator's array is the answer, with no copy.
        if (seeds.length > 0 && seeds.length <= batchSize) return generator.generate(seeds);
        int pixels = manifest.spec().pixels();
        float[] out = new float[Math.multiplyExact(seeds.length, pixels)];
        for (int from = 0; from < seeds.length; from += batchSize) {
            int to = Math.min(seeds.length, from + batchSize);
            float[] batch = generator.generate(Arrays.copyOfRange(seeds, from, to));
            System.arraycopy(batch, 0, out, from * pixels, batch.length);
        }
        return out;
    }

    /** {@code n} images; image i's seed is {@link SplitMix64#derive}(seed, i). */
    public float[] sample(int n, long seed) {
        return sample(seedsFor(n, seed));
    }

    /** The per-sample seeds {@link #sample(int, long)} uses. */
    public static long[] seedsFor(int n, long seed) {
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) seeds[i] = SplitMix64.derive(seed, i);
        return seeds;
    }

    @Override
    public void close() {
        session.close();
    }
}
