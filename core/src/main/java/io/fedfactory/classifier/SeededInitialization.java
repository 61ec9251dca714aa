package io.fedfactory.classifier;

import io.fedfactory.determinism.SplitMix64;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Initial weights drawn in Java from the recipe's seed, so they never depend on engine state:
 * convolutions He-normal in fan-out mode (as torchvision's ResNet), BatchNorm scale 1 and shift 0
 * with running mean 0 and variance 1, and the head uniform in +-1/sqrt(features) (PyTorch's Linear
 * default). Each tensor has its own stream derived from (seed, tensor index), and
 * {@link Random#nextGaussian()} is used because its algorithm is fixed by its specification.
 */
public final class SeededInitialization {

    private SeededInitialization() {
    }

    public static ClassifierWeights of(ClassifierArchitecture architecture, long seed) {
        List<ClassifierArchitecture.Slot> slots = architecture.slots();
        List<WeightTensor> tensors = new ArrayList<>(slots.size());
        for (int i = 0; i < slots.size(); i++) {
            ClassifierArchitecture.Slot slot = slots.get(i);
            SplitMix64 rng = SplitMix64.derived(seed, "init", i);
            float[] v = new float[slot.size()];
            switch (slot.role()) {
                case CONV_WEIGHT -> {
                    double std = Math.sqrt(2.0 / slot.fanOut());
                    for (int j = 0; j < v.length; j++) v[j] = (float) (rng.nextGaussian() * std);
                }
                case HEAD_WEIGHT, HEAD_BIAS -> {
                    double bound = 1.0 / Math.sqrt(slot.fanIn());
                    for (int j = 0; j < v.length; j++) v[j] = (float) ((2.0 * rng.nextDouble() - 1.0) * bound);
                }
                case BN_GAMMA, BN_RUNNING_VAR -> Arrays.fill(v, 1f);
                case BN_BETA, BN_RUNNING_MEAN -> Arrays.fill(v, 0f);
            }
            tensors.add(new WeightTensor(slot.name(), slot.shape(), v));
        }
        return new ClassifierWeights(tensors);
    }
}
