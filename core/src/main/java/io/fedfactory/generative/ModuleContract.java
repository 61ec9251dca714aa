package io.fedfactory.generative;

import io.fedfactory.generative.latent.LatentDiffusionGraph;

import io.fedfactory.generative.decoder.DecoderGraph;
import io.fedfactory.generative.diffusion.DenoiserGraph;
import io.fedfactory.onnx.runtime.GraphSignature;
import io.fedfactory.onnx.runtime.GraphSignature.Tensor;

import java.util.List;
import java.util.TreeSet;

/**
 * The contract a generative module keeps so that synthesis can sample it, in one place: the
 * aggregator's admission checks it before a module is admitted, and {@link ModuleSampler} checks it
 * before sampling, so admission accepts exactly what the sampler can sample. A new module kind adds
 * its case to {@link #checkGraph}.
 *
 * <ul>
 *   <li>classes: exactly one per module (the sampler has no class input, so the planner gives each
 *       module one class's share);</li>
 *   <li>{@link ModuleKind#DIFFUSION}: inputs exactly {@code x} [N,C,H,W] and {@code sigma}, one value
 *       per image, as [N] or [N,1,1,1]; output {@code denoised} [N,C,H,W]; data in the model space
 *       [-1, 1] (the image spec's value_min maps to -1, value_max to +1);</li>
 *   <li>{@link ModuleKind#DECODER}: input exactly {@code z} [N,latent_dim] of standard-normal noise
 *       (a module with a mixture prior counts the value that picks its component in latent_dim);
 *       output {@code image} [N,C,H,W] in the image spec's value range.</li>
 *   <li>{@link ModuleKind#LATENT_DIFFUSION}: inputs exactly {@code x} [N,latent_dim] (standardized
 *       latents) and {@code sigma} [N]; outputs {@code denoised} [N,latent_dim] and {@code image}
 *       [N,C,H,W], the decoder applied to {@code denoised}, in the image spec's value range.</li>
 * </ul>
 * Every tensor is float32; the batch dimension N must be dynamic; other dimensions may be dynamic
 * (their actual sizes are then checked when the module runs).
 */
public final class ModuleContract {

    private ModuleContract() {
    }

    /** How a checked denoiser takes sigma. */
    public enum SigmaLayout {
        /** [N] */
        VECTOR,
        /** [N,1,1,1], as other exporters often write it */
        IMAGE;

        public long[] shape(long n) {
            return this == VECTOR ? new long[] {n} : new long[] {n, 1, 1, 1};
        }
    }

    /** A module that breaks the contract; the message names the part and the rule. */
    public static final class Violation extends IllegalArgumentException {
        private final String part;

        Violation(String part, String message) {
            super(message);
            this.part = part;
        }

        /** "classes" or "graph". */
        public String part() {
            return part;
        }
    }

    /** Exactly one class per module. */
    public static void checkClasses(List<String> classes) {
        if (classes.size() != 1) {
            throw new Violation("classes", "manifest.classes must name exactly one class (the sampler has no class "
                    + "input, so a module covers one class), got " + classes.size() + " " + classes);
        }
    }

    /**
     * Checks the graph's signature against the kind, the image shape (channels, height, width) and, for
     * a decoder or a latent-diffusion module, the latent size.
     *
     * @return how a denoiser takes sigma (null for a decoder)
     */
    public static SigmaLayout checkGraph(ModuleKind kind, int channels, int height, int width, int latentDim,
                                         GraphSignature sig) {
        long[] image = {-1, channels, height, width};
        return switch (kind) {
            case DIFFUSION -> {
                inputs(sig, DenoiserGraph.INPUT_SIGMA, DenoiserGraph.INPUT_X);
                tensor(sig, "input", DenoiserGraph.INPUT_X, sig.inputs().get(DenoiserGraph.INPUT_X), image);
                Tensor sigma = sig.inputs().get(DenoiserGraph.INPUT_SIGMA);
                SigmaLayout layout = sigma.shape().length == 4 ? SigmaLayout.IMAGE : SigmaLayout.VECTOR;
                if (sigma.shape().length != 1 && sigma.shape().length != 4) {
                    violation("input 'sigma' must have shape [N] or [N,1,1,1], got " + dims(sigma.shape()));
                }
                tensor(sig, "input", DenoiserGraph.INPUT_SIGMA, sigma, layout.shape(-1));
                tensor(sig, "output", DenoiserGraph.OUTPUT, output(sig, DenoiserGraph.OUTPUT), image);
                yield layout;
            }
            case LATENT_DIFFUSION -> {
                long[] latent = {-1, latentDim};
                inputs(sig, LatentDiffusionGraph.INPUT_SIGMA, LatentDiffusionGraph.INPUT_X);
                tensor(sig, "input", LatentDiffusionGraph.INPUT_X, sig.inputs().get(LatentDiffusionGraph.INPUT_X), latent);
                tensor(sig, "input", LatentDiffusionGraph.INPUT_SIGMA, sig.inputs().get(LatentDiffusionGraph.INPUT_SIGMA),
                        new long[] {-1});
                tensor(sig, "output", LatentDiffusionGraph.OUTPUT_DENOISED,
                        output(sig, LatentDiffusionGraph.OUTPUT_DENOISED), latent);
                tensor(sig, "output", LatentDiffusionGraph.OUTPUT_IMAGE, output(sig, LatentDiffusionGraph.OUTPUT_IMAGE), image);
                yield SigmaLayout.VECTOR;
            }
            case DECODER -> {
                inputs(sig, DecoderGraph.INPUT);
                tensor(sig, "input", DecoderGraph.INPUT, sig.inputs().get(DecoderGraph.INPUT), new long[] {-1, latentDim});
                tensor(sig, "output", DecoderGraph.OUTPUT, output(sig, DecoderGraph.OUTPUT), image);
                yield null;
            }
        };
    }

    private static void inputs(GraphSignature sig, String... names) {
        TreeSet<String> expected = new TreeSet<>(List.of(names));
        if (!new TreeSet<>(sig.inputs().keySet()).equals(expected)) {
            violation("inputs must be exactly " + expected + ", got " + new TreeSet<>(sig.inputs().keySet()));
        }
    }

    private static Tensor output(GraphSignature sig, String name) {
        Tensor t = sig.outputs().get(name);
        if (t == null) violation("output '" + name + "' is missing (outputs: " + new TreeSet<>(sig.outputs().keySet()) + ")");
        return t;
    }

    private static void tensor(GraphSignature sig, String role, String name, Tensor t, long[] expected) {
        if (!t.float32()) violation(role + " '" + name + "' must be a float32 tensor");
        long[] shape = t.shape();
        if (shape.length != expected.length) {
            violation(role + " '" + name + "' must have shape " + dims(expected) + ", got " + dims(shape));
        }
        if (shape[0] != -1) violation(role + " '" + name + "' must have a dynamic batch dimension, got " + dims(shape));
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] != -1 && shape[i] != expected[i]) {
                violation(role + " '" + name + "' must have shape " + dims(expected) + ", got " + dims(shape));
            }
        }
    }

    private static void violation(String message) {
        throw new Violation("graph", message);
    }

    /** A shape as [N,1,8,8] (N: dynamic). */
    public static String dims(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(',');
            b.append(shape[i] < 0 ? "N" : String.valueOf(shape[i]));
        }
        return b.append(']').toString();
    }
}
