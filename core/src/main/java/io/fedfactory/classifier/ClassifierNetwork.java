package io.fedfactory.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The classifier as DJL arrays and functional ops, walking its {@link ClassifierArchitecture}. The
 * parameters live in a manager of their own, closed with the network; trainable ones record gradients.
 */
public final class ClassifierNetwork implements AutoCloseable {

    /** BatchNorm epsilon, shared with the ONNX export. */
    public static final float BN_EPSILON = 1e-5f;
    /**
     * Weight of the old running statistics in each update (DJL's convention; PyTorch's momentum 0.1).
     * DJL's PyTorch engine passes {@code 1 - this} to torch's batch_norm.
     */
    static final float BN_KEEP = 0.9f;

    private final ClassifierArchitecture architecture;
    private final NDManager manager;
    private final NDArray[] params;

    /** Puts {@code weights} (laid out for {@code architecture}) into arrays of a new sub-manager of {@code parent}. */
    public ClassifierNetwork(NDManager parent, ClassifierArchitecture architecture, ClassifierWeights weights) {
        this.architecture = architecture;
        weights.requireLayout(architecture);
        this.manager = parent.newSubManager();
        List<ClassifierArchitecture.Slot> slots = architecture.slots();
        this.params = new NDArray[slots.size()];
        for (int i = 0; i < slots.size(); i++) {
            ClassifierArchitecture.Slot slot = slots.get(i);
            NDArray a = manager.create(weights.tensors().get(i).valuesView(), new Shape(slot.shape()));
            if (slot.role().trainable()) a.setRequiresGradient(true);
            params[i] = a;
        }
    }

    public ClassifierArchitecture architecture() {
        return architecture;
    }

    /** Indices (into {@link ClassifierArchitecture#slots()}) of the parameters SGD updates. */
    int[] trainableSlots() {
        List<ClassifierArchitecture.Slot> slots = architecture.slots();
        return IntStream.range(0, slots.size()).filter(i -> slots.get(i).role().trainable()).toArray();
    }

    NDArray parameter(int slot) {
        return params[slot];
    }

    /** The arrays SGD updates, in slot order (a bare training loop outside this package uses them). */
    public List<NDArray> trainableParameters() {
        return Arrays.stream(trainableSlots()).mapToObj(i -> params[i]).toList();
    }

    NDManager manager() {
        return manager;
    }

    /**
     * Logits [N, classes] of images [N, C, H, W]. In training mode BatchNorm uses batch statistics and
     * updates its running statistics in place; otherwise it uses the running statistics.
     */
    public NDArray forward(NDArray images, boolean training) {
        ClassifierArchitecture a = architecture;
        // Slots come in the architecture's order: five per convolution (weight, gamma, beta, running
        // mean, running variance), then the head's weight and bias.
        int p = 0;
        NDArray x = convBn(images, a.stem(), p, training);
        p += 5;
        x = Activation.relu(x);
        for (ClassifierArchitecture.Block b : a.blocks()) {
            NDArray y = Activation.relu(convBn(x, b.conv1(), p, training));
            p += 5;
            y = convBn(y, b.conv2(), p, training);
            p += 5;
            NDArray shortcut = x;
            if (b.hasProjection()) {
                shortcut = convBn(x, b.projection(), p, training);
                p += 5;
            }
            x = Activation.relu(y.add(shortcut));
        }
        NDArray pooled = Pool.globalAvgPool2d(x).reshape(x.getShape().get(0), x.getShape().get(1));
        return Linear.linear(pooled, params[p], params[p + 1]).singletonOrThrow();
    }

    /** A copy of the current parameters and running statistics. */
    public ClassifierWeights snapshot() {
        List<ClassifierArchitecture.Slot> slots = architecture.slots();
        List<WeightTensor> out = new ArrayList<>(slots.size());
        for (int i = 0; i < slots.size(); i++) {
            out.add(new WeightTensor(slots.get(i).name(), slots.get(i).shape(), params[i].toFloatArray()));
        }
        return new ClassifierWeights(out);
    }

    private NDArray convBn(NDArray x, ClassifierArchitecture.Conv c, int p, boolean training) {
        Shape stride = new Shape(c.stride(), c.stride());
        Shape pad = new Shape(c.padding(), c.padding());
        NDArray y = Conv2d.conv2d(x, params[p], null, stride, pad).singletonOrThrow();
        return BatchNorm.batchNorm(y, params[p + 3], params[p + 4], params[p + 1], params[p + 2], 1, BN_KEEP, BN_EPSILON,
                training).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
