package io.fedfactory.privacy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.nn.BatchOrder;
import io.fedfactory.generative.nn.TrainableParameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DP-SGD (Abadi et al. 2016) for the DJL module trainers, on Poisson-sampled batches: at every step
 * each image joins the batch with probability q = expected batch / dataset size, independently (the
 * sampling {@link RdpAccountant} assumes; fixed-size shuffled batches would not be covered). The
 * batch's images are split into microbatches, each microbatch's gradient is computed by its own
 * backward pass and clipped to L2 norm {@code clipNorm}; the clipped gradients are summed, Gaussian
 * noise of standard deviation {@code noiseMultiplier x clipNorm} is added, and the sum divided by the
 * expected number of microbatches is handed to the optimizer.
 *
 * <p>With microbatches of one image each image is clipped alone. With larger microbatches each image
 * has a fixed slot (a seeded assignment of the dataset), so adding or removing one image changes
 * one slot only; see {@link DpSgdConfig#accountedNoiseMultiplier()}.
 */
public final class DpSgd {

    /** The mean loss of the images {@code indices}, computed from the live parameters (inside a gradient collector). */
    @FunctionalInterface
    public interface MicrobatchLoss {
        NDArray loss(NDManager scratch, int[] indices);
    }

    private final DpSgdConfig config;
    private final int datasetSize;
    private final double samplingRate;
    private final int slots;
    private final int[] slotOf;
    private final SplitMix64 sampling;
    private final SplitMix64 noise;
    private long steps;

    public DpSgd(DpSgdConfig config, int datasetSize, int expectedBatch, long seed) {
        if (datasetSize < 1) throw new IllegalArgumentException("DP-SGD needs at least 1 image, got " + datasetSize);
        if (expectedBatch < 1) throw new IllegalArgumentException("DP-SGD expected batch must be >= 1, got " + expectedBatch);
        this.config = config;
        this.datasetSize = datasetSize;
        this.samplingRate = Math.min(1.0, (double) expectedBatch / datasetSize);
        int expected = (int) Math.min(expectedBatch, datasetSize);
        this.slots = config.microbatchSize() == 1 ? expected
                : Math.max(1, (expected + config.microbatchSize() - 1) / config.microbatchSize());
        this.slotOf = SplitMix64.derived(seed, "dp-slot").permutation(datasetSize);
        for (int i = 0; i < datasetSize; i++) slotOf[i] %= slots;
        this.sampling = SplitMix64.derived(seed, "dp-sampling");
        this.noise = SplitMix64.derived(seed, "dp-noise");
    }

    /** Probability that an image is in a step's batch. */
    public double samplingRate() {
        return samplingRate;
    }

    /** The next Poisson-sampled batch, ascending indices (possibly empty). */
    public int[] nextBatch() {
        int[] picked = new int[datasetSize];
        int n = 0;
        for (int i = 0; i < datasetSize; i++) {
            if (sampling.nextDouble() < samplingRate) picked[n++] = i;
        }
        return java.util.Arrays.copyOf(picked, n);
    }

    /**
     * One private step on {@code batch}: clipped per-microbatch gradients, noise, optimizer update.
     *
     * @return the mean loss over the batch's images before the update (NaN for an empty batch)
     */
    public double step(Engine engine, NDManager scratch, TrainableParameters params, Optimizer optimizer, int[] batch,
                       MicrobatchLoss loss) {
        Map<String, NDArray> live = params.arrays();
        Map<String, NDArray> sum = new LinkedHashMap<>();
        double lossSum = 0;
        for (int[] micro : microbatches(batch)) {
            try (NDManager m = scratch.newSubManager()) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray l = loss.loss(m, micro);
                    collector.backward(l);
                    lossSum += l.getFloat() * micro.length;
                }
                Map<String, NDArray> grads = new LinkedHashMap<>();
                double squared = 0;
                for (Map.Entry<String, NDArray> e : live.entrySet()) {
                    NDArray g = e.getValue().getGradient();
                    g.attach(m);
                    grads.put(e.getKey(), g);
                    squared += g.square().sum().getFloat();
                }
                float scale = (float) Math.min(1.0, config.clipNorm() / (Math.sqrt(squared) + 1e-12));
                for (Map.Entry<String, NDArray> e : grads.entrySet()) {
                    NDArray clipped = e.getValue().mul(scale);
                    NDArray previous = sum.get(e.getKey());
                    NDArray total = previous == null ? clipped : previous.add(clipped);
                    total.attach(scratch);
                    sum.put(e.getKey(), total);
                    JniUtils.zeroGrad((PtNDArray) live.get(e.getKey()));
                }
            }
        }
        float sd = (float) (config.noiseMultiplier() * config.clipNorm());
        for (Map.Entry<String, NDArray> e : live.entrySet()) {
            NDArray p = e.getValue();
            float[] z = new float[Math.toIntExact(p.size())];
            noise.fillGaussian(z, 0, z.length);
            for (int i = 0; i < z.length; i++) z[i] *= sd;
            NDArray noisy = scratch.create(z, p.getShape());
            NDArray clippedSum = sum.get(e.getKey());
            if (clippedSum != null) noisy = noisy.add(clippedSum);
            optimizer.update(e.getKey(), p, noisy.div((float) slots));
            JniUtils.zeroGrad((PtNDArray) p);
        }
        steps++;
        return batch.length == 0 ? Double.NaN : lossSum / batch.length;
    }

    /**
     * One optimizer step of a module trainer: without DP-SGD ({@code dp} null) on the next {@code batch}
     * images of {@code order}, one backward pass of their mean loss; with DP-SGD on {@code dp}'s next
     * Poisson batch ({@link #step}).
     *
     * @return the batch's mean loss before the update (NaN for an empty Poisson batch)
     */
    public static double trainStep(DpSgd dp, Engine engine, NDManager root, TrainableParameters params,
                                   Optimizer optimizer, BatchOrder order, int batch, MicrobatchLoss loss) {
        try (NDManager scratch = root.newSubManager()) {
            if (dp != null) return dp.step(engine, scratch, params, optimizer, dp.nextBatch(), loss);
            double value;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray l = loss.loss(scratch, order.next(batch));
                collector.backward(l);
                value = l.getFloat();
            }
            params.step(optimizer);
            return value;
        }
    }

    /** The guarantee of the steps taken so far. */
    public DpGuarantee guarantee() {
        return DpGuarantee.account(config, samplingRate, steps);
    }

    private List<int[]> microbatches(int[] batch) {
        List<int[]> out = new ArrayList<>();
        if (config.microbatchSize() == 1) {
            for (int i : batch) out.add(new int[] {i});
            return out;
        }
        List<List<Integer>> bySlot = new ArrayList<>();
        for (int s = 0; s < slots; s++) bySlot.add(new ArrayList<>());
        for (int i : batch) bySlot.get(slotOf[i]).add(i);
        for (List<Integer> slot : bySlot) {
            if (!slot.isEmpty()) out.add(slot.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }
}
