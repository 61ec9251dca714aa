package io.fedfactory.classifier;

import io.fedfactory.data.ImageSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The layer graph a recipe describes for one image spec and class count: the single description both
 * the DJL network and the ONNX export walk, so the two cannot disagree on shapes or parameter names.
 *
 * <p>Parameter names: {@code <conv>.weight} [out, in, k, k] for a bias-free convolution, then its
 * BatchNorm as {@code <conv>.bn.gamma}, {@code .bn.beta}, {@code .bn.runningMean}, {@code .bn.runningVar}
 * [out]; the head is {@code head.weight} [classes, features] and {@code head.bias} [classes].
 */
public final class ClassifierArchitecture {

    /** Largest number of classes accepted. */
    public static final int MAX_CLASSES = 10_000;

    /** A 2-D convolution without bias, padding {@code kernel / 2}, always followed by BatchNorm and its ReLU (if any). */
    public record Conv(String name, int in, int out, int kernel, int stride) {
        public int padding() {
            return kernel / 2;
        }
    }

    /**
     * A basic residual block: relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut x), the shortcut being a
     * strided 1x1 convolution with BatchNorm when the shape changes and the identity otherwise.
     */
    public record Block(String name, Conv conv1, Conv conv2, Conv projection) {
        public boolean hasProjection() {
            return projection != null;
        }
    }

    /** What a parameter is, which fixes its initialization and whether SGD updates it. */
    public enum Role {
        CONV_WEIGHT, BN_GAMMA, BN_BETA, BN_RUNNING_MEAN, BN_RUNNING_VAR, HEAD_WEIGHT, HEAD_BIAS;

        /** BatchNorm running statistics are updated by the forward pass, not by SGD. */
        public boolean trainable() {
            return this != BN_RUNNING_MEAN && this != BN_RUNNING_VAR;
        }
    }

    /** One parameter tensor of the network, in the canonical order. */
    public record Slot(String name, long[] shape, Role role, int fanIn, int fanOut) {
        public int size() {
            long n = 1;
            for (long d : shape) n *= d;
            return (int) n;
        }
    }

    private final ImageSpec spec;
    private final int classes;
    private final Conv stem;
    private final List<Block> blocks;
    private final int features;
    private final List<Slot> slots;

    public ClassifierArchitecture(ClassifierRecipe recipe, ImageSpec spec, int classes) {
        Objects.requireNonNull(recipe, "recipe");
        this.spec = Objects.requireNonNull(spec, "spec");
        if (classes < 2 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classifier: number of classes must be in [2, " + MAX_CLASSES + "], got "
                    + classes);
        }
        this.classes = classes;
        this.stem = new Conv("stem", spec.channels(), recipe.baseWidth(), 3, 1);
        List<Block> bs = new ArrayList<>();
        int in = recipe.baseWidth();
        for (int s = 0; s < recipe.stages(); s++) {
            int out = recipe.stageWidth(s);
            for (int b = 0; b < recipe.blocksPerStage().get(s); b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                String name = "stage" + (s + 1) + ".block" + (b + 1);
                Conv projection = (stride != 1 || in != out) ? new Conv(name + ".projection", in, out, 1, stride) : null;
                bs.add(new Block(name, new Conv(name + ".conv1", in, out, 3, stride),
                        new Conv(name + ".conv2", out, out, 3, 1), projection));
                in = out;
            }
        }
        this.blocks = Collections.unmodifiableList(bs);
        this.features = in;
        this.slots = Collections.unmodifiableList(buildSlots());
    }

    public ImageSpec spec() { return spec; }

    public int classes() { return classes; }

    public Conv stem() { return stem; }

    public List<Block> blocks() { return blocks; }

    /** Width of the pooled feature vector the head reads. */
    public int features() { return features; }

    /** Every parameter tensor, in the canonical order used by weights, hashing and export. */
    public List<Slot> slots() { return slots; }

    /** Total number of floats over all slots (BatchNorm statistics included). */
    public long parameterCount() {
        long n = 0;
        for (Slot s : slots) n += s.size();
        return n;
    }

    private List<Slot> buildSlots() {
        List<Slot> out = new ArrayList<>();
        addConv(out, stem);
        for (Block b : blocks) {
            addConv(out, b.conv1());
            addConv(out, b.conv2());
            if (b.hasProjection()) addConv(out, b.projection());
        }
        out.add(new Slot("head.weight", new long[] {classes, features}, Role.HEAD_WEIGHT, features, classes));
        out.add(new Slot("head.bias", new long[] {classes}, Role.HEAD_BIAS, features, classes));
        return out;
    }

    private static void addConv(List<Slot> out, Conv c) {
        int k2 = c.kernel() * c.kernel();
        out.add(new Slot(c.name() + ".weight", new long[] {c.out(), c.in(), c.kernel(), c.kernel()}, Role.CONV_WEIGHT,
                c.in() * k2, c.out() * k2));
        long[] ch = {c.out()};
        out.add(new Slot(c.name() + ".bn.gamma", ch, Role.BN_GAMMA, 0, 0));
        out.add(new Slot(c.name() + ".bn.beta", ch, Role.BN_BETA, 0, 0));
        out.add(new Slot(c.name() + ".bn.runningMean", ch, Role.BN_RUNNING_MEAN, 0, 0));
        out.add(new Slot(c.name() + ".bn.runningVar", ch, Role.BN_RUNNING_VAR, 0, 0));
    }
}
