package io.fedfactory.aggregator.admission;

import io.fedfactory.lineage.WireManifests;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.diffusion.Denoiser;
import io.fedfactory.generative.diffusion.HeunSampler;
import io.fedfactory.generative.ModuleContract;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.onnx.runtime.OnnxLoadException;
import io.fedfactory.onnx.runtime.OnnxModel;
import io.fedfactory.onnx.runtime.OnnxRunException;
import io.fedfactory.onnx.runtime.SessionSettings;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.ModuleManifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that need ONNX Runtime: {@code onnx_loads}, {@code io_signature}, {@code probe_finite},
 * {@code probe_range}. The probe is small and seeded (from the federation's seed), so the same module
 * always gets the same verdict. The graph's signature is checked by core's {@link ModuleContract}, the
 * rules the sampler applies; a denoiser is also run through a short sampling pass. The module is opened
 * through the execution layer ({@link OnnxModel}) with one intra-op thread: admission runs beside uploads
 * and training on few cores, and must be repeatable.
 */
final class OnnxProbe {

    /** Decoder probe: this many standard-normal latent vectors. */
    static final int DECODER_PROBE = 4;
    /** Diffusion probe: this many noise images per noise level (sigma_max, then sigma_min), and samples of the pass. */
    static final int DIFFUSION_PROBE = 2;
    /**
     * Most Heun steps of the diffusion probe's sampling pass (the manifest's, if fewer): few steps
     * integrate coarsely and overshoot even for an ideal denoiser (4 steps: 2.2x the true trajectory).
     */
    static final int SAMPLING_PASS_STEPS = 32;
    /** Tolerance on a decoder's value range. */
    static final float DECODER_SLACK = 1e-3f;
    /**
     * A denoiser's output is not clipped: allow this fraction of the model space's width (2) on each
     * side of [-1, 1], the range every denoiser works in (common.proto, MODULE_KIND_DIFFUSION).
     */
    static final float DENOISER_WIDENING = 0.5f;

    void check(Path onnx, FederationSpec spec, ModuleManifest m) {
        try (OnnxModel session = load(onnx)) {
            ImageSpec img = spec.getImageSpec();
            List<Probe> probes;
            // The same contract the sampler checks (core's ModuleContract), so what is admitted can be sampled.
            ModuleContract.SigmaLayout sigma;
            try {
                sigma = ModuleContract.checkGraph(coreKind(m.getKind()), img.getChannels(), img.getHeight(),
                        img.getWidth(), m.getKind() == ModuleKind.MODULE_KIND_LATENT_DIFFUSION
                                ? m.getLatentDiffusion().getLatentDim() : m.getDecoder().getLatentDim(),
                        session.signature());
            } catch (ModuleContract.Violation v) {
                throw new ModuleRejectedException(AdmissionCheck.IO_SIGNATURE, v.getMessage());
            }
            if (m.getKind() == ModuleKind.MODULE_KIND_LATENT_DIFFUSION) {
                latentDiffusion(session, spec, m);
                return;
            }
            if (m.getKind() == ModuleKind.MODULE_KIND_DIFFUSION) {
                probes = diffusion(session, spec, m, sigma);
            } else {
                probes = decoder(session, spec, m);
            }
            for (Probe p : probes) finite(p);
            // A decoder answers in the image's own range; a denoiser in the model space [-1, 1], as the sampler reads it.
            float lo = img.getValueMin(), hi = img.getValueMax(), slack = DECODER_SLACK;
            if (m.getKind() == ModuleKind.MODULE_KIND_DIFFUSION) {
                lo = -1;
                hi = 1;
                slack = DENOISER_WIDENING * (hi - lo);
            }
            for (Probe p : probes) range(p, lo - slack, hi + slack);
        }
    }

    private static OnnxModel load(Path onnx) {
        try {
            return OnnxModel.open(onnx, SessionSettings.threads(1));
        } catch (OnnxLoadException e) {
            throw new ModuleRejectedException(AdmissionCheck.ONNX_LOADS,
                    "ONNX Runtime could not create a session from the module's bytes: " + e.getMessage());
        }
    }

    private List<Probe> decoder(OnnxModel s, FederationSpec spec, ModuleManifest m) {
        int latent = m.getDecoder().getLatentDim();
        float[] z = gaussian(SplitMix64.derived(spec.getSeed(), "admission-probe"), DECODER_PROBE * latent, 1f);
        Map<String, float[]> in = Map.of("z", z);
        Map<String, long[]> shapes = Map.of("z", new long[] {DECODER_PROBE, latent});
        return List.of(run(s, in, shapes, "image", "4 seeded standard-normal z", spec.getImageSpec(), DECODER_PROBE));
    }

    private List<Probe> diffusion(OnnxModel s, FederationSpec spec, ModuleManifest m, ModuleContract.SigmaLayout layout) {
        ImageSpec img = spec.getImageSpec();
        int n = DIFFUSION_PROBE;
        int size = n * img.getChannels() * img.getHeight() * img.getWidth();
        long[] xShape = {n, img.getChannels(), img.getHeight(), img.getWidth()};
        float[] noise = gaussian(SplitMix64.derived(spec.getSeed(), "admission-probe"), size, 1f);
        List<Probe> probes = new ArrayList<>();
        for (float sigma : new float[] {m.getDiffusion().getSigmaMax(), m.getDiffusion().getSigmaMin()}) {
            float[] x = noise.clone();
            for (int i = 0; i < x.length; i++) x[i] *= sigma;
            float[] sig = new float[n];
            Arrays.fill(sig, sigma);
            Map<String, float[]> in = new LinkedHashMap<>();
            in.put("x", x);
            in.put("sigma", sig);
            probes.add(run(s, in, Map.of("x", xShape, "sigma", layout.shape(n)), "denoised",
                    "seeded noise at sigma " + sigma, img, n));
        }
        probes.addAll(samplingPass(s, spec, m, layout));
        return probes;
    }

    /**
     * A short seeded sampling pass with the sampler itself ({@link HeunSampler}, two images): every
     * denoised prediction along the way is probed, so a denoiser that is sane at sigma_max and sigma_min
     * but drifts in between (scaled noise, the image's range instead of [-1, 1]) is refused here.
     */
    private List<Probe> samplingPass(OnnxModel s, FederationSpec spec, ModuleManifest m, ModuleContract.SigmaLayout layout) {
        ImageSpec img = spec.getImageSpec();
        io.fedfactory.generative.ModuleManifest core = WireManifests.toCore(m, spec);
        DiffusionSampling params = (DiffusionSampling) core.sampler();
        params = params.withSteps(Math.min(params.steps(), SAMPLING_PASS_STEPS));
        List<Probe> probes = new ArrayList<>();
        long[] xShape = {DIFFUSION_PROBE, img.getChannels(), img.getHeight(), img.getWidth()};
        Denoiser recorded = (x, sigma) -> {
            Map<String, float[]> in = new LinkedHashMap<>();
            in.put("x", x);
            in.put("sigma", sigma);
            Probe p = run(s, in, Map.of("x", xShape, "sigma", layout.shape(DIFFUSION_PROBE)), "denoised",
                    "the short sampling pass (step " + (probes.size() + 1) + ", sigma " + sigma[0] + ")", img, DIFFUSION_PROBE);
            probes.add(p);
            return p.values();
        };
        long[] seeds = new long[DIFFUSION_PROBE];
        for (int i = 0; i < seeds.length; i++) seeds[i] = spec.getSeed() * 31 + i;
        new HeunSampler(recorded, core.spec(), params).generate(seeds);
        return probes;
    }

    private static io.fedfactory.generative.ModuleKind coreKind(ModuleKind kind) {
        return switch (kind) {
            case MODULE_KIND_DIFFUSION -> io.fedfactory.generative.ModuleKind.DIFFUSION;
            case MODULE_KIND_LATENT_DIFFUSION -> io.fedfactory.generative.ModuleKind.LATENT_DIFFUSION;
            default -> io.fedfactory.generative.ModuleKind.DECODER;
        };
    }

    /**
     * A latent-diffusion module: a short seeded sampling pass (the manifest's schedule, at most
     * {@value #SAMPLING_PASS_STEPS} Heun steps) on {@value #DECODER_PROBE} latents through the core's Heun
     * integrator, every denoised latent finite, then the decoded samples finite and inside the image range.
     */
    private void latentDiffusion(OnnxModel s, FederationSpec spec, ModuleManifest m) {
        ImageSpec img = spec.getImageSpec();
        int n = DECODER_PROBE;
        int latent = m.getLatentDiffusion().getLatentDim();
        var d = m.getLatentDiffusion().getDiffusion();
        DiffusionSampling schedule = new DiffusionSampling(Math.min(d.getSteps(), SAMPLING_PASS_STEPS), d.getSigmaMin(),
                d.getSigmaMax(), d.getRho(), d.getSigmaData());
        double[] sigmas = HeunSampler.schedule(schedule);
        float[] x = gaussian(SplitMix64.derived(spec.getSeed(), "admission-probe"), n * latent, (float) sigmas[0]);
        Denoiser denoiser = (xs, sig) -> {
            Probe p = runLatent(s, xs, sig, latent, "denoised", "the sampling pass at sigma " + sig[0], null, n);
            finite(p);
            return p.values();
        };
        float[] last = HeunSampler.integrate(denoiser, x, n, sigmas, sigmas.length - 2);
        float[] sigma = new float[n];
        Arrays.fill(sigma, (float) sigmas[sigmas.length - 2]);
        Probe images = runLatent(s, last, sigma, latent, "image",
                "the decoded end of a " + schedule.steps() + "-step seeded sampling pass", img, n);
        finite(images);
        range(images, img.getValueMin() - DECODER_SLACK, img.getValueMax() + DECODER_SLACK);
    }

    private Probe runLatent(OnnxModel s, float[] x, float[] sigma, int latent, String output, String what, ImageSpec img,
                            int n) {
        Map<String, float[]> in = new LinkedHashMap<>();
        in.put("x", x);
        in.put("sigma", sigma);
        Map<String, long[]> shapes = Map.of("x", new long[] {n, latent}, "sigma", new long[] {n});
        long[] expected = img == null ? new long[] {n, latent}
                : new long[] {n, img.getChannels(), img.getHeight(), img.getWidth()};
        return run(s, in, shapes, output, what, expected);
    }

    private Probe run(OnnxModel s, Map<String, float[]> inputs, Map<String, long[]> shapes, String output,
                      String what, ImageSpec img, int batch) {
        return run(s, inputs, shapes, output, what, new long[] {batch, img.getChannels(), img.getHeight(), img.getWidth()});
    }

    private Probe run(OnnxModel s, Map<String, float[]> inputs, Map<String, long[]> shapes, String output,
                      String what, long[] expected) {
        OnnxModel.Feed[] feeds = inputs.entrySet().stream()
                .map(e -> new OnnxModel.Feed(e.getKey(), e.getValue(), shapes.get(e.getKey())))
                .toArray(OnnxModel.Feed[]::new);
        OnnxModel.FloatTensor t;
        try {
            t = s.runTensor(output, feeds);
        } catch (OnnxRunException e) {
            throw new ModuleRejectedException(AdmissionCheck.IO_SIGNATURE, "running the module on " + what
                    + " failed: " + e.getMessage());
        }
        if (!Arrays.equals(expected, t.shape())) {
            throw new ModuleRejectedException(AdmissionCheck.IO_SIGNATURE, "output '" + output + "' has shape "
                    + ModuleContract.dims(t.shape()) + " for " + what + "; expected " + ModuleContract.dims(expected));
        }
        return new Probe(output, what, t.values());
    }

    private static void finite(Probe p) {
        int bad = 0, first = -1;
        for (int i = 0; i < p.values.length; i++) {
            if (!Float.isFinite(p.values[i])) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad > 0) {
            throw new ModuleRejectedException(AdmissionCheck.PROBE_FINITE, "output '" + p.output + "' holds " + bad
                    + " non-finite values of " + p.values.length + " for " + p.what + " (first at index " + first
                    + ": " + p.values[first] + ")");
        }
    }

    private static void range(Probe p, float lo, float hi) {
        for (int i = 0; i < p.values.length; i++) {
            float v = p.values[i];
            if (v < lo || v > hi) {
                throw new ModuleRejectedException(AdmissionCheck.PROBE_RANGE, "output '" + p.output + "' value " + v
                        + " at index " + i + " for " + p.what + " is outside the allowed range [" + lo + ", " + hi + "]");
            }
        }
    }

    private static float[] gaussian(SplitMix64 random, int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian() * scale;
        return out;
    }

    private record Probe(String output, String what, float[] values) {
    }
}
