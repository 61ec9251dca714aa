package io.fedfactory.generative.diffusion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
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
import io.fedfactory.generative.nn.TorchThreads;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.nn.TrainableParameters;
import io.fedfactory.generative.nn.Weights;
import io.fedfactory.privacy.DpSgd;
import io.fedfactory.privacy.DpSgdConfig;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Trains an EDM diffusion module ({@link UNet}) on one class with DJL, and exports the
 * preconditioned denoiser to ONNX.
 *
 * <p>Each step draws a batch, noise levels {@code ln(sigma) ~ N(pMean, pStd^2)} and Gaussian noise
 * from seeded streams, and minimizes EDM's weighted loss ({@link EdmLoss})
 * {@code lambda(sigma) |D(x + sigma n; sigma) - x|^2} with {@code lambda = (sigma^2 + sd^2) / (sigma sd)^2}.
 * With DP-SGD ({@link DpSgd}) the batch is Poisson-sampled at expected size {@code batchSize} for as
 * many steps as plain training takes, and each microbatch's gradient is clipped before the noise.
 */
public final class DiffusionTrainer implements GenerativeModuleTrainer {

    private final DiffusionTrainingConfig config;
    /** DP-SGD settings; null for plain training. */
    private final DpSgdConfig privacy;

    public DiffusionTrainer(DiffusionTrainingConfig config) {
        this.config = Objects.requireNonNull(config);
        this.privacy = null;
    }

    /** Trains with DP-SGD: each image's noise levels and noise are still drawn from the seeded stream. */
    public DiffusionTrainer(DiffusionTrainingConfig config, DpSgdConfig privacy) {
        this.config = Objects.requireNonNull(config);
        this.privacy = Objects.requireNonNull(privacy);
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
        DpSgd dp = privacy == null ? null
                : new DpSgd(privacy, oneClass.size(), config.batchSize(), SplitMix64.derive(config.seed(), "dp-sgd"));

        // Pinned threads, grad mode and engine seed as for the classifier: the same data and config give the same bytes.
        Weights trained = DeterministicTorch.call(config.threads(), config.seed(),
                () -> fit(net, ModelSpace.fromImage(oneClass.pixelsView(), spec), oneClass.size(), spec, dp, listener));
        String broken = trained.firstNonFinite();
        if (broken != null) {
            throw new IllegalStateException("diffusion training diverged: weight " + broken + " is not finite");
        }
        byte[] onnx = DenoiserGraph.export(net, spec, trained);
        double wallSeconds = (System.nanoTime() - started) / 1e9;

        long examples = (long) config.steps() * config.batchSize();
        Map<String, String> hyperparameters = new TreeMap<>(config.asProvenance());
        if (dp != null) hyperparameters.putAll(dp.guarantee().asProvenance());
        TrainingProvenance provenance = new TrainingProvenance(oneClass.size(), examples,
                (double) examples / oneClass.size(), config.steps(), config.seed(), config.threads(), wallSeconds,
                TorchThreads.libraryVersions(), hyperparameters);
        ModuleManifest manifest = new ModuleManifest(ModuleKind.DIFFUSION, List.of(label), spec, config.sampling(),
                provenance, siteId, ContentHash.sha256Hex(onnx));
        return new TrainedModule(onnx, manifest);
    }

    private Weights fit(UNet net, float[] data, int count, ImageSpec spec, DpSgd dp, TrainingListener listener) {
        BatchOrder order = new BatchOrder(count, SplitMix64.derive(config.seed(), "batch-order"));
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager root = engine.newBaseManager()) {
            TrainableParameters params = new TrainableParameters(root, net.layout().initialize(
                    SplitMix64.derive(config.seed(), "init")));
            EdmLoss loss = new EdmLoss(data, new long[] {spec.channels(), spec.height(), spec.width()}, config.pMean(),
                    config.pStd(), config.sampling().sigmaData(), SplitMix64.derived(config.seed(), "noise"),
                    params.arrays(), net::denoise);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
            for (int step = 0; step < config.steps(); step++) {
                double l = DpSgd.trainStep(dp, engine, root, params, adam, order, config.batchSize(), loss);
                if (Double.isNaN(l) && dp != null) continue;
                if (!Double.isFinite(l)) {
                    throw new IllegalStateException("diffusion training diverged at step " + step + ": loss " + l);
                }
                listener.onStep(step, l);
            }
            return params.snapshot();
        }
    }
}
