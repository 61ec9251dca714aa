package io.fedfactory.aggregator.admission;

import io.fedfactory.determinism.SplitMix64;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModuleKind;
import io.fedfactory.proto.v1.ModuleManifest;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks that need ONNX Runtime: {@code onnx_loads}, {@code io_signature}, {@code probe_finite},
 * {@code probe_range}. The probe is small and seeded (from the federation's seed), so the same module
 * always gets the same verdict.
 */
final class OnnxProbe {

    /** Decoder probe: this many standard-normal latent vectors. */
    static final int DECODER_PROBE = 4;
    /** Diffusion probe: this many noise images per noise level (sigma_max, then sigma_min). */
    static final int DIFFUSION_PROBE = 2;
    /** Tolerance on a decoder's value range. */
    static final float DECODER_SLACK = 1e-3f;
    /** A denoiser's output is not clipped: allow this fraction of the range's width on each side. */
    static final float DENOISER_WIDENING = 0.5f;

    private final OrtEnvironment env;

    OnnxProbe(OrtEnvironment env) {
        this.env = env;
    }

    void check(Path onnx, FederationSpec spec, ModuleManifest m) {
        try (OrtSession.SessionOptions options = options(); OrtSession session = load(onnx, options)) {
            ImageSpec img = spec.getImageSpec();
            long[] image = {-1, img.getChannels(), img.getHeight(), img.getWidth()};
            List<Probe> probes;
            if (m.getKind() == ModuleKind.MODULE_KIND_DIFFUSION) {
                signature(session, Map.of("x", image, "sigma", new long[] {-1}), "denoised", image);
                probes = diffusion(session, spec, m);
            } else {
                long latent = m.getDecoder().getLatentDim();
                signature(session, Map.of("z", new long[] {-1, latent}), "image", image);
                probes = decoder(session, spec, m);
            }
            for (Probe p : probes) finite(p);
            float lo = img.getValueMin(), hi = img.getValueMax(), slack;
            if (m.getKind() == ModuleKind.MODULE_KIND_DIFFUSION) {
                slack = DENOISER_WIDENING * (hi - lo);
            } else {
                slack = DECODER_SLACK;
            }
            for (Probe p : probes) range(p, lo - slack, hi + slack);
        } catch (OrtException e) {
            // Session options or closing failed: nothing a module did.
            throw new IllegalStateException("ONNX Runtime failed outside the module's checks: " + e.getMessage(), e);
        }
    }

    private OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        // One thread: admission runs beside uploads and training on few cores, and must be repeatable.
        o.setIntraOpNumThreads(1);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        return o;
    }

    private OrtSession load(Path onnx, OrtSession.SessionOptions options) {
        try {
            return env.createSession(onnx.toString(), options);
        } catch (OrtException | RuntimeException e) {
            throw new ModuleRejectedException(AdmissionCheck.ONNX_LOADS,
                    "ONNX Runtime could not create a session from the module's bytes: " + e.getMessage());
        }
    }

    /** Inputs exactly {@code inputs}; an output named {@code output}; float tensors of the given shapes. */
    private static void signature(OrtSession s, Map<String, long[]> inputs, String output, long[] outputShape)
            throws OrtException {
        Set<String> names = s.getInputNames();
        if (!names.equals(inputs.keySet())) {
            sig("inputs must be exactly " + sorted(inputs.keySet()) + ", got " + sorted(names));
        }
        Map<String, NodeInfo> info = s.getInputInfo();
        for (Map.Entry<String, long[]> e : inputs.entrySet()) {
            tensor("input", e.getKey(), info.get(e.getKey()), e.getValue());
        }
        NodeInfo out = s.getOutputInfo().get(output);
        if (out == null) sig("output '" + output + "' is missing (outputs: " + sorted(s.getOutputNames()) + ")");
        tensor("output", output, out, outputShape);
    }

    private static void tensor(String role, String name, NodeInfo node, long[] expected) {
        if (!(node.getInfo() instanceof TensorInfo t)) {
            sig(role + " '" + name + "' must be a tensor, got " + node.getInfo());
            return;
        }
        if (t.type != OnnxJavaType.FLOAT) sig(role + " '" + name + "' must be float32, got " + t.type);
        long[] shape = t.getShape();
        if (shape.length != expected.length) {
            sig(role + " '" + name + "' must have shape " + dims(expected) + ", got " + dims(shape));
        }
        if (shape[0] != -1) {
            sig(role + " '" + name + "' must have a dynamic batch dimension, got " + dims(shape));
        }
        for (int i = 1; i < shape.length; i++) {
            // A dynamic dimension is allowed: the probe then checks the actual size.
            if (shape[i] != -1 && shape[i] != expected[i]) {
                sig(role + " '" + name + "' must have shape " + dims(expected) + ", got " + dims(shape));
            }
        }
    }

    private List<Probe> decoder(OrtSession s, FederationSpec spec, ModuleManifest m) {
        int latent = m.getDecoder().getLatentDim();
        float[] z = gaussian(SplitMix64.derived(spec.getSeed(), "admission-probe"), DECODER_PROBE * latent, 1f);
        Map<String, float[]> in = Map.of("z", z);
        Map<String, long[]> shapes = Map.of("z", new long[] {DECODER_PROBE, latent});
        return List.of(run(s, in, shapes, "image", "4 seeded standard-normal z", spec.getImageSpec(), DECODER_PROBE));
    }

    private List<Probe> diffusion(OrtSession s, FederationSpec spec, ModuleManifest m) {
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
            probes.add(run(s, in, Map.of("x", xShape, "sigma", new long[] {n}), "denoised",
                    "seeded noise at sigma " + sigma, img, n));
        }
        return probes;
    }

    private Probe run(OrtSession s, Map<String, float[]> inputs, Map<String, long[]> shapes, String output,
                      String what, ImageSpec img, int batch) {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, float[]> e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
            }
            try (OrtSession.Result r = s.run(tensors, Set.of(output))) {
                OnnxValue v = r.get(output).orElseThrow();
                if (!(v instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new ModuleRejectedException(AdmissionCheck.IO_SIGNATURE, "output '" + output
                            + "' is not a float32 tensor at run time");
                }
                long[] expected = {batch, img.getChannels(), img.getHeight(), img.getWidth()};
                long[] actual = t.getInfo().getShape();
                if (!Arrays.equals(expected, actual)) {
                    sig("output '" + output + "' has shape " + dims(actual) + " for " + what + "; expected " + dims(expected));
                }
                FloatBuffer fb = t.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                return new Probe(output, what, values);
            }
        } catch (OrtException e) {
            throw new ModuleRejectedException(AdmissionCheck.IO_SIGNATURE, "running the module on " + what
                    + " failed: " + e.getMessage());
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
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

    private static void sig(String detail) {
        throw new ModuleRejectedException(AdmissionCheck.IO_SIGNATURE, detail);
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static String dims(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(',');
            b.append(shape[i] < 0 ? "N" : String.valueOf(shape[i]));
        }
        return b.append(']').toString();
    }

    private record Probe(String output, String what, float[] values) {
    }
}
