package io.fedfactory.classifier;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.djl.DeterministicTorch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Mini-batch SGD of a {@link ClassifierNetwork} on a dataset, from given weights, under the engine's
 * pinned thread count and seed. Every array a step creates is closed when the step ends. The thread's
 * interrupt flag cancels the run between steps.
 */
public final class SgdTraining {

    private static final Logger LOG = LoggerFactory.getLogger(SgdTraining.class);

    private SgdTraining() {
    }

    /**
     * Trains from {@code start} and returns the final weights. With {@code plan.proximalMu() > 0},
     * {@code anchor} (laid out like {@code start}) is the point the proximal term pulls towards.
     */
    public static SgdResult run(ClassifierArchitecture architecture, ClassifierWeights start, Dataset data,
                                SgdPlan plan, ClassifierWeights anchor, TrainingListener listener) {
        requireCompatible(architecture, data);
        start.requireLayout(architecture);
        if (plan.proximalMu() > 0f) {
            if (anchor == null) throw new IllegalArgumentException("sgd: proximalMu > 0 needs anchor weights");
            anchor.requireLayout(architecture);
        }
        TrainingListener sink = listener == null ? TrainingListener.NONE : listener;
        return DeterministicTorch.call(plan.threads(), plan.seed(),
                () -> loop(architecture, start, data, plan, plan.proximalMu() > 0f ? anchor : null, sink));
    }

    /** Fails naming the mismatch when {@code data} cannot train {@code architecture}. */
    static void requireCompatible(ClassifierArchitecture architecture, Dataset data) {
        if (!data.spec().equals(architecture.spec())) {
            throw new IllegalArgumentException("dataset " + data.name() + " has images " + data.spec()
                    + ", the classifier expects " + architecture.spec());
        }
        if (data.numClasses() != architecture.classes()) {
            throw new IllegalArgumentException("dataset " + data.name() + " has " + data.numClasses()
                    + " classes, the classifier has " + architecture.classes());
        }
    }

    private static SgdResult loop(ClassifierArchitecture architecture, ClassifierWeights start, Dataset data,
                                  SgdPlan plan, ClassifierWeights anchor, TrainingListener listener) {
        long t0 = System.nanoTime();
        ImageSpec spec = data.spec();
        int classes = architecture.classes();
        TrainingBatches batches = new TrainingBatches(data, plan.batchSize(), plan.augmentation(), plan.seed());
        int perEpoch = batches.batchesPerEpoch();
        long steps = (long) plan.epochs() * perEpoch;
        Engine engine = DeterministicTorch.engine();
        List<EpochStats> history = new ArrayList<>();
        long seen = 0;
        try (NDManager root = DeterministicTorch.newCpuManager();
             ClassifierNetwork net = new ClassifierNetwork(root, architecture, start)) {
            SgdStep opt = new SgdStep(root, net, plan, anchor);
            float[] pixels = new float[plan.batchSize() * spec.pixels()];
            int[] labels = new int[plan.batchSize()];
            long step = 0;
            int lastPercent = -1;
            for (int epoch = 0; epoch < plan.epochs(); epoch++) {
                long e0 = System.nanoTime();
                int[] order = batches.order(epoch);
                double lossSum = 0;
                long correct = 0;
                long images = 0;
                float lr = plan.learningRate();
                for (int b = 0; b < perEpoch; b++) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new CancellationException("training on " + data.name() + " interrupted at epoch "
                                + (epoch + 1) + ", step " + step + " of " + steps);
                    }
                    int n = batches.fill(order, epoch, b, pixels, labels);
                    lr = plan.schedule().at(plan.learningRate(), step, steps);
                    try (NDScope ignored = new NDScope()) {
                        NDArray x = root.create(n == plan.batchSize() ? pixels : Arrays.copyOf(pixels, n * spec.pixels()),
                                new Shape(n, spec.channels(), spec.height(), spec.width()));
                        float[] oneHot = new float[n * classes];
                        for (int j = 0; j < n; j++) oneHot[j * classes + labels[j]] = 1f;
                        NDArray target = root.create(oneHot, new Shape(n, classes));
                        NDArray logits;
                        float loss;
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            logits = net.forward(x, true);
                            // The batch size as an array of this step's scope, not a Java number: see DeterministicTorch.
                            NDArray l = logits.logSoftmax(1).mul(target).sum().neg().div(root.create(n));
                            gc.backward(l);
                            loss = l.getFloat();
                        }
                        if (!Float.isFinite(loss)) {
                            throw new IllegalStateException("training on " + data.name() + " diverged at epoch "
                                    + (epoch + 1) + ", step " + step + ": loss is " + loss + " (learning rate " + lr + ")");
                        }
                        correct += countCorrect(logits.toFloatArray(), labels, n, classes);
                        lossSum += (double) loss * n;
                        opt.step(lr);
                    }
                    images += n;
                    step++;
                    int percent = (int) (100 * step / steps);
                    if (percent != lastPercent || b == perEpoch - 1) {
                        lastPercent = percent;
                        notify(listener, step, steps, epoch + 1, plan.epochs(), t0);
                    }
                }
                seen += images;
                double seconds = (System.nanoTime() - e0) / 1e9;
                EpochStats stats = new EpochStats(epoch + 1, lossSum / images, (double) correct / images, images, seconds, lr);
                history.add(stats);
                LOG.info("{}: epoch {}/{} loss {} train accuracy {} ({} img/s, lr {})", data.name(), epoch + 1,
                        plan.epochs(), String.format("%.4f", stats.meanLoss()), String.format("%.4f", stats.trainAccuracy()),
                        String.format("%.0f", stats.imagesPerSecond()), String.format("%.5f", lr));
            }
            return new SgdResult(net.snapshot(), history, seen, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    static int countCorrect(float[] logits, int[] labels, int n, int classes) {
        int correct = 0;
        for (int j = 0; j < n; j++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (logits[j * classes + k] > logits[j * classes + best]) best = k;
            }
            if (best == labels[j]) correct++;
        }
        return correct;
    }

    private static void notify(TrainingListener listener, long step, long steps, int epoch, int epochs, long t0) {
        long elapsed = System.nanoTime() - t0;
        long remaining = step == 0 ? 0 : (long) ((double) elapsed * (steps - step) / step);
        try {
            listener.onProgress(new TrainingProgress((double) step / steps, epoch, epochs, step, steps,
                    Duration.ofNanos(elapsed), Duration.ofNanos(remaining)));
        } catch (RuntimeException e) {
            LOG.warn("training progress listener failed; training continues", e);
        }
    }
}
