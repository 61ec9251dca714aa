package io.fedfactory.generative.decoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.generative.DecoderSampling;
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
import io.fedfactory.privacy.DpSgd;
import io.fedfactory.privacy.DpSgdConfig;
import io.fedfactory.privacy.DpGuarantee;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Trains a decoder module (a {@link Vae}) on one class with DJL and exports its decoder to ONNX.
 * The loss per image is the Bernoulli cross-entropy of the pixels scaled to [0, 1] plus the KL
 * divergence of q(z | x) from N(0, I) times the configured KL weight (1: the negative ELBO). With a
 * fitted prior, the posterior means of the class's images are computed after training and a Gaussian
 * fitted to them is exported in front of the decoder ({@link FittedPrior}).
 */
public final class DecoderTrainer implements GenerativeModuleTrainer {

    private final DecoderTrainingConfig config;
    /** DP-SGD settings; null for plain training. */
    private final DpSgdConfig privacy;

    public DecoderTrainer(DecoderTrainingConfig config) {
        this.config = Objects.requireNonNull(config);
        this.privacy = null;
    }

    /**
     * Trains with DP-SGD ({@link DpSgd}): Poisson batches of expected size {@code batchSize}, as many
     * steps as plain training takes. The fitted prior is refused: it reads every training image
     * after training, outside the DP mechanism.
     */
    public DecoderTrainer(DecoderTrainingConfig config, DpSgdConfig privacy) {
        this.config = Objects.requireNonNull(config);
        this.privacy = Objects.requireNonNull(privacy);
        if (config.fittedPrior()) {
            throw new IllegalArgumentException("decoder fittedPrior reads the training images outside DP-SGD; "
                    + "train a private decoder with the standard-normal prior");
        }
    }

    @Override
    public ModuleKind kind() {
        return ModuleKind.DECODER;
    }

    @Override
    public TrainedModule train(Dataset oneClass, String siteId, TrainingListener listener) {
        ClassLabel label = GenerativeModuleTrainer.singleClassOf(oneClass);
        ImageSpec spec = oneClass.spec();
        Vae vae = new Vae(spec, config.hiddenWidth(), config.latentDim(), config.fittedPrior());
        long started = System.nanoTime();

        FittedVae fitted = fitVae(config, vae, oneClass, privacy, listener);
        long steps = fitted.steps();
        Weights trained = config.fittedPrior()
                ? FittedPrior.fit(fitted.posteriorMeans(), oneClass.size(), config.latentDim(), config.priorTemperature())
                        .appendTo(fitted.weights())
                : fitted.weights();
        byte[] onnx = DecoderGraph.export(vae, spec, trained);
        double wallSeconds = (System.nanoTime() - started) / 1e9;

        long examples = steps * config.batchSize();
        Map<String, String> hyperparameters = new TreeMap<>(config.asProvenance());
        if (fitted.privacy() != null) hyperparameters.putAll(fitted.privacy().asProvenance());
        TrainingProvenance provenance = new TrainingProvenance(oneClass.size(), examples,
                (double) examples / oneClass.size(), steps, config.seed(), config.threads(), wallSeconds,
                TorchThreads.libraryVersions(), hyperparameters);
        ModuleManifest manifest = new ModuleManifest(ModuleKind.DECODER, List.of(label), spec,
                new DecoderSampling(config.latentDim()), provenance, siteId, ContentHash.sha256Hex(onnx));
        return new TrainedModule(onnx, manifest);
    }

    private static float[] unitRange(float[] pixels, ImageSpec spec) {
        double scale = 1.0 / ((double) spec.valueMax() - spec.valueMin());
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) out[i] = (float) ((pixels[i] - (double) spec.valueMin()) * scale);
        return out;
    }

    /**
     * A trained autoencoder: its weights (encoder and decoder, no prior), the posterior means of the
     * class's images under it, the optimizer steps taken, and the DP-SGD guarantee (null without DP-SGD).
     */
    public record FittedVae(Weights weights, float[] posteriorMeans, long steps, DpGuarantee privacy) {}

    /**
     * Trains {@code vae} on {@code oneClass} as {@code config} says (its prior settings are not applied)
     * and encodes the class's images; fails naming the weight if training diverged.
     */
    public static FittedVae fitVae(DecoderTrainingConfig config, Vae vae, Dataset oneClass, TrainingListener listener) {
        return fitVae(config, vae, oneClass, null, listener);
    }

    /**
     * As {@link #fitVae(DecoderTrainingConfig, Vae, Dataset, TrainingListener)}, with DP-SGD when
     * {@code privacy} is not null: Poisson batches of expected size {@code batchSize}, as many steps as
     * plain training takes, and the guarantee in {@link FittedVae#privacy()}.
     */
    public static FittedVae fitVae(DecoderTrainingConfig config, Vae vae, Dataset oneClass, DpSgdConfig privacy,
                                   TrainingListener listener) {
        ImageSpec spec = oneClass.spec();
        int count = oneClass.size();
        int stepsPerEpoch = (count + config.batchSize() - 1) / config.batchSize();
        long steps = (long) stepsPerEpoch * config.epochs();
        float[] data = unitRange(oneClass.pixelsView(), spec);
        DpSgd dp = privacy == null ? null
                : new DpSgd(privacy, count, config.batchSize(), SplitMix64.derive(config.seed(), "dp-sgd"));
        // Pinned threads, grad mode and engine seed as for the classifier: the same data and config give the same bytes.
        return DeterministicTorch.call(config.threads(), config.seed(), () -> {
            try (NDManager root = Engine.getEngine("PyTorch").newBaseManager()) {
                TrainableParameters params = fit(config, vae, data, count, spec, steps, dp, listener, root);
                Weights weights = params.snapshot();
                String broken = weights.firstNonFinite();
                if (broken != null) {
                    throw new IllegalStateException("decoder training diverged: weight " + broken + " is not finite");
                }
                return new FittedVae(weights, posteriorMeans(vae, root, params, data, count, spec), steps,
                        dp == null ? null : dp.guarantee());
            }
        });
    }

    private static TrainableParameters fit(DecoderTrainingConfig config, Vae vae, float[] data, int count, ImageSpec spec,
                                           long steps, DpSgd dp, TrainingListener listener, NDManager root) {
        int pixels = spec.pixels();
        int latent = config.latentDim();
        BatchOrder order = new BatchOrder(count, SplitMix64.derive(config.seed(), "batch-order"));
        SplitMix64 noise = SplitMix64.derived(config.seed(), "noise");
        Engine engine = Engine.getEngine("PyTorch");
        TrainableParameters params = new TrainableParameters(root, vae.layout().initialize(
                SplitMix64.derive(config.seed(), "init")));
        DpSgd.MicrobatchLoss loss = (m, idx) -> {
            float[] x = new float[idx.length * pixels];
            for (int b = 0; b < idx.length; b++) System.arraycopy(data, idx[b] * pixels, x, b * pixels, pixels);
            float[] e = new float[idx.length * latent];
            noise.fillGaussian(e, 0, e.length);
            return loss(config, vae, new DjlTensorOps(m, params.arrays()), m, x, e, idx.length, spec);
        };
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
        for (long step = 0; step < steps; step++) {
            double l = DpSgd.trainStep(dp, engine, root, params, adam, order, config.batchSize(), loss);
            if (Double.isNaN(l) && dp != null) continue;
            if (!Double.isFinite(l)) {
                throw new IllegalStateException("decoder training diverged at step " + step + ": loss " + l);
            }
            listener.onStep(step, l);
        }
        return params;
    }

    /** Mean loss of {@code n} images (unit range) with reparameterization noise {@code eps}. */
    private static NDArray loss(DecoderTrainingConfig config, Vae vae, DjlTensorOps ops, NDManager scratch,
                                float[] images, float[] eps, int n, ImageSpec spec) {
        NDArray x = scratch.create(images, new Shape(n, spec.channels(), spec.height(), spec.width()));
        NDArray target = scratch.create(images, new Shape(n, spec.pixels()));
        NDArray e = scratch.create(eps, new Shape(n, config.latentDim()));
        // Constants of a recorded graph are arrays of the step's manager, never Java numbers: see DeterministicTorch.
        NDArray half = scratch.create(0.5f);
        NDArray one = scratch.create(1f);
        NDArray klWeight = scratch.create(config.klWeight());
        Vae.Encoding<NDArray> q = vae.encode(ops, x);
        NDArray z = q.mean().add(q.logVariance().mul(half).exp().mul(e));
        NDArray logits = vae.logits(ops, z);
        NDArray reconstruction = Activation.softPlus(logits).sub(logits.mul(target)).sum(new int[] {1});
        NDArray kl = q.logVariance().exp().add(q.mean().square()).sub(q.logVariance()).sub(one)
                .sum(new int[] {1}).mul(half);
        return reconstruction.add(kl.mul(klWeight)).mean();
    }

    /** Posterior means [count, latent] of all images, encoded in fixed-size chunks without gradients. */
    private static float[] posteriorMeans(Vae vae, NDManager root, TrainableParameters params, float[] data, int count,
                                          ImageSpec spec) {
        int pixels = spec.pixels();
        int latent = vae.latentDim();
        int chunk = 256;
        float[] means = new float[count * latent];
        for (int from = 0; from < count; from += chunk) {
            int n = Math.min(chunk, count - from);
            float[] slice = new float[n * pixels];
            System.arraycopy(data, from * pixels, slice, 0, n * pixels);
            try (NDManager scratch = root.newSubManager()) {
                NDArray x = scratch.create(slice, new Shape(n, spec.channels(), spec.height(), spec.width()));
                float[] m = vae.encode(new DjlTensorOps(scratch, params.arrays()), x).mean().toFloatArray();
                System.arraycopy(m, 0, means, from * latent, n * latent);
            }
        }
        return means;
    }
}
