package io.fedfactory.generative.diffusion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.generative.GenerativeModuleTrainer;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.TrainingListener;
import io.fedfactory.generative.TrainingProvenance;
import io.fedfactory.generative.nn.BatchOrder;
import io.fedfactory.generative.nn.DjlTensorOps;
import io.fedfactory.generative.nn.TorchThreads;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.nn.TrainableParameters;
import io.fedfactory.generative.nn.Weights;

import java.util.List;
import java.util.Objects;

/**
 * Trains an EDM diffusion module ({@link UNet}) on one class with DJL, and exports the
 * preconditioned denoiser to ONNX.
 *
 * <p>Each step draws a batch, noise levels {@code ln(sigma) ~ N(pMean, pStd^2)} and Gaussian noise
 * from seeded streams, and minimizes EDM's weighted loss
 * {@code lambda(sigma) |D(x + sigma n; sigma) - x|^2} with {@code lambda = (sigma^2 + sd^2) / (sigma sd)^2}.
 */
public final class DiffusionTrainer implements GenerativeModuleTrainer {

    private final DiffusionTrainingConfig config;

    public DiffusionTrainer(DiffusionTrainingConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    @Override
    public ModuleKind kind() {
        return ModuleKind.DIFFUSION;
    }

    @Override
    public TrainedModule train(Dataset oneClass, String siteId, TrainingListener listener) {
        ClassLabel label = GenerativeModuleTrainer.singleClassOf(oneClass);
        ImageSpec spec = oneClass.spec();
        UNet net = new UNet(spec, config.width(), config.sampling().sigmaData());
        long started = System.nanoTime();

        // Pinned threads, grad mode and engine seed as for the classifier: the same data and config give the same bytes.
        Weights trained = DeterministicTorch.call(config.threads(), config.seed(),
                () -> fit(net, ModelSpace.fromImage(oneClass.pixelsView(), spec), oneClass.size(), spec, listener));
        String broken = trained.firstNonFinite();
        if (broken != null) {
            throw new IllegalStateException("diffusion training diverged: weight " + broken + " is not finite");
        }
        byte[] onnx = DenoiserGraph.export(net, spec, trained);
        double wallSeconds = (System.nanoTime() - started) / 1e9;

        long examples = (long) config.steps() * config.batchSize();
        TrainingProvenance provenance = new TrainingProvenance(oneClass.size(), examples,
                (double) examples / oneClass.size(), config.steps(), config.seed(), config.threads(), wallSeconds,
                TorchThreads.libraryVersions(), config.asProvenance());
        ModuleManifest manifest = new ModuleManifest(ModuleKind.DIFFUSION, List.of(label), spec, config.sampling(),
                provenance, siteId, ContentHash.sha256Hex(onnx));
        return new TrainedModule(onnx, manifest);
    }

    private Weights fit(UNet net, float[] data, int count, ImageSpec spec, TrainingListener listener) {
        int pixels = spec.pixels();
        int batch = config.batchSize();
        double sd = config.sampling().sigmaData();
        BatchOrder order = new BatchOrder(count, SplitMix64.derive(config.seed(), "batch-order"));
        SplitMix64 noise = SplitMix64.derived(config.seed(), "noise");
        float[] clean = new float[batch * pixels];
        float[] noisy = new float[batch * pixels];
        float[] sigma = new float[batch];
        float[] weight = new float[batch];
        Shape imageShape = new Shape(batch, spec.channels(), spec.height(), spec.width());

        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager root = engine.newBaseManager()) {
            TrainableParameters params = new TrainableParameters(root, net.layout().initialize(
                    SplitMix64.derive(config.seed(), "init")));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
            for (int step = 0; step < config.steps(); step++) {
                int[] idx = order.next(batch);
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(data, idx[b] * pixels, clean, b * pixels, pixels);
                    double s = StrictMath.exp(config.pMean() + config.pStd() * noise.nextGaussian());
                    sigma[b] = (float) s;
                    weight[b] = (float) ((s * s + sd * sd) / (s * sd * s * sd));
                    for (int p = b * pixels; p < (b + 1) * pixels; p++) {
                        noisy[p] = (float) (clean[p] + s * noise.nextGaussian());
                    }
                }
                double loss;
                try (NDManager scratch = root.newSubManager()) {
                    NDArray x0 = scratch.create(clean, imageShape);
                    NDArray y = scratch.create(noisy, imageShape);
                    NDArray s = scratch.create(sigma, new Shape(batch));
                    NDArray lambda = scratch.create(weight, new Shape(batch, 1, 1, 1));
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        DjlTensorOps ops = new DjlTensorOps(scratch, params.arrays());
                        NDArray denoised = net.denoise(ops, y, s);
                        NDArray error = ops.sub(denoised, x0);
                        NDArray l = ops.mul(lambda, ops.mul(error, error)).mean();
                        l.attach(scratch);
                        collector.backward(l);
                        loss = l.getFloat();
                    }
                    params.step(adam);
                }
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("diffusion training diverged at step " + step + ": loss " + loss);
                }
                listener.onStep(step, loss);
            }
            return params.snapshot();
        }
    }
}
