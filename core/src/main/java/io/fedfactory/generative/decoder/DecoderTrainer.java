package io.fedfactory.generative.decoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
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

import java.util.List;
import java.util.Objects;

/**
 * Trains a decoder module (a {@link Vae}) on one class with DJL and exports its decoder to ONNX.
 * The loss per image is the Bernoulli cross-entropy of the pixels scaled to [0, 1] plus the KL
 * divergence of q(z | x) from N(0, I) times the configured KL weight (1: the negative ELBO). With a
 * fitted prior, the posterior means of the class's images are computed after training and a Gaussian
 * fitted to them is exported in front of the decoder ({@link FittedPrior}).
 */
public final class DecoderTrainer implements GenerativeModuleTrainer {

    private final DecoderTrainingConfig config;

    public DecoderTrainer(DecoderTrainingConfig config) {
        this.config = Objects.requireNonNull(config);
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

        FittedVae fitted = fitVae(config, vae, oneClass, listener);
        long steps = fitted.steps();
        Weights trained = config.fittedPrior()
                ? FittedPrior.fit(fitted.posteriorMeans(), oneClass.size(), config.latentDim(), config.priorTemperature())
                        .appendTo(fitted.weights())
                : fitted.weights();
        byte[] onnx = DecoderGraph.export(vae, spec, trained);
        double wallSeconds = (System.nanoTime() - started) / 1e9;

        long examples = steps * config.batchSize();
        TrainingProvenance provenance = new TrainingProvenance(oneClass.size(), examples,
                (double) examples / oneClass.size(), steps, config.seed(), config.threads(), wallSeconds,
                TorchThreads.libraryVersions(), config.asProvenance());
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
     * class's images under it, and the optimizer steps taken.
     */
    public record FittedVae(Weights weights, float[] posteriorMeans, long steps) {}

    /**
     * Trains {@code vae} on {@code oneClass} as {@code config} says (its prior settings are not applied)
     * and encodes the class's images; fails naming the weight if training diverged.
     */
    public static FittedVae fitVae(DecoderTrainingConfig config, Vae vae, Dataset oneClass, TrainingListener listener) {
        ImageSpec spec = oneClass.spec();
        int count = oneClass.size();
        int stepsPerEpoch = (count + config.batchSize() - 1) / config.batchSize();
        long steps = (long) stepsPerEpoch * config.epochs();
        float[] data = unitRange(oneClass.pixelsView(), spec);
        // Pinned threads, grad mode and engine seed as for the classifier: the same data and config give the same bytes.
        return DeterministicTorch.call(config.threads(), config.seed(), () -> {
            try (NDManager root = Engine.getEngine("PyTorch").newBaseManager()) {
                TrainableParameters params = fit(config, vae, data, count, spec, steps, listener, root);
                Weights weights = params.snapshot();
                String broken = weights.firstNonFinite();
                if (broken != null) {
                    throw new IllegalStateException("decoder training diverged: weight " + broken + " is not finite");
                }
                return new FittedVae(weights, posteriorMeans(vae, root, params, data, count, spec), steps);
            }
        });
    }

    private static TrainableParameters fit(DecoderTrainingConfig config, Vae vae, float[] data, int count, ImageSpec spec,
                                           long steps, TrainingListener listener, NDManager root) {
        int pixels = spec.pixels();
        int batch = config.batchSize();
        int latent = config.latentDim();
        BatchOrder order = new BatchOrder(count, SplitMix64.derive(config.seed(), "batch-order"));
        SplitMix64 noise = SplitMix64.derived(config.seed(), "noise");
        float[] images = new float[batch * pixels];
        float[] eps = new float[batch * latent];
        Shape imageShape = new Shape(batch, spec.channels(), spec.height(), spec.width());

        Engine engine = Engine.getEngine("PyTorch");
        {
            TrainableParameters params = new TrainableParameters(root, vae.layout().initialize(
                    SplitMix64.derive(config.seed(), "init")));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
            for (long step = 0; step < steps; step++) {
                int[] idx = order.next(batch);
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(data, idx[b] * pixels, images, b * pixels, pixels);
                }
                noise.fillGaussian(eps, 0, eps.length);
                double loss;
                try (NDManager scratch = root.newSubManager()) {
                    NDArray x = scratch.create(images, imageShape);
                    NDArray target = scratch.create(images, new Shape(batch, pixels));
                    NDArray e = scratch.create(eps, new Shape(batch, latent));
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        DjlTensorOps ops = new DjlTensorOps(scratch, params.arrays());
                        Vae.Encoding<NDArray> q = vae.encode(ops, x);
                        NDArray z = q.mean().add(q.logVariance().mul(0.5f).exp().mul(e));
                        NDArray logits = vae.logits(ops, z);
                        NDArray reconstruction = Activation.softPlus(logits).sub(logits.mul(target)).sum(new int[] {1});
                        NDArray kl = q.logVariance().exp().add(q.mean().square()).sub(q.logVariance()).sub(1f)
                                .sum(new int[] {1}).mul(0.5f);
                        NDArray l = reconstruction.add(kl.mul(config.klWeight())).mean();
                        collector.backward(l);
                        loss = l.getFloat();
                    }
                    params.step(adam);
                }
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("decoder training diverged at step " + step + ": loss " + loss);
                }
                listener.onStep(step, loss);
            }
            return params;
        }
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
