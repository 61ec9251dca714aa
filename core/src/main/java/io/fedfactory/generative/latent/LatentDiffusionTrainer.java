package io.fedfactory.generative.latent;

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
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.Vae;
import io.fedfactory.generative.nn.BatchOrder;
import io.fedfactory.generative.nn.DjlTensorOps;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.nn.TorchThreads;
import io.fedfactory.generative.nn.TrainableParameters;
import io.fedfactory.generative.nn.Weights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a latent-diffusion module on one class with DJL (latent diffusion, Rombach et al. 2022, with
 * EDM's denoiser and sampler): the site's autoencoder first ({@link DecoderTrainer#fitVae}), then a
 * {@link LatentDenoiser} on the posterior means of the class's images, standardized per dimension, with
 * EDM's weighted loss {@code lambda(sigma) |D(z + sigma n; sigma) - z|^2},
 * {@code lambda = (sigma^2 + sd^2) / (sigma sd)^2}, {@code ln(sigma) ~ N(pMean, pStd^2)}. The exponential
 * moving average of the denoiser's weights is exported with the decoder as one ONNX graph
 * ({@link LatentDiffusionGraph}).
 *
 * <p>The denoiser models the latents' whole distribution, several modes included, where a fitted
 * Gaussian covers them with one ellipsoid and samples the empty space between modes.
 */
public final class LatentDiffusionTrainer implements GenerativeModuleTrainer {

    /** Smallest standard deviation a latent dimension is divided by. */
    static final double MIN_STD = 1e-6;

    private final LatentDiffusionTrainingConfig config;

    public LatentDiffusionTrainer(LatentDiffusionTrainingConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    @Override
    public ModuleKind kind() {
        return ModuleKind.LATENT_DIFFUSION;
    }

    @Override
    public TrainedModule train(Dataset oneClass, String siteId, TrainingListener listener) {
        ClassLabel label = GenerativeModuleTrainer.singleClassOf(oneClass);
        ImageSpec spec = oneClass.spec();
        int latent = config.autoencoder().latentDim();
        Vae vae = new Vae(spec, config.autoencoder().hiddenWidth(), latent, false);
        LatentDenoiser denoiser = new LatentDenoiser(latent, config.width(), config.blocks(),
                config.sampling().diffusion().sigmaData());
        LatentDiffusionModel model = new LatentDiffusionModel(vae, denoiser);
        long started = System.nanoTime();

        DecoderTrainer.FittedVae autoencoder = DecoderTrainer.fitVae(config.autoencoder(), vae, oneClass, listener);
        int count = oneClass.size();
        Standardization standard = Standardization.fit(autoencoder.posteriorMeans(), count, latent);
        float[] z = standard.apply(autoencoder.posteriorMeans(), count);
        Weights den = fitDenoiser(denoiser, z, count, autoencoder.steps(), listener);

        Map<String, Weights.Tensor> all = new LinkedHashMap<>();
        Weights vaeWeights = autoencoder.weights();
        for (String name : vaeWeights.names()) all.put(name, vaeWeights.get(name));
        all.put(LatentDiffusionModel.MEAN, new Weights.Tensor(new long[] {latent}, standard.mean()));
        all.put(LatentDiffusionModel.STD, new Weights.Tensor(new long[] {latent}, standard.std()));
        for (String name : den.names()) all.put(name, den.get(name));
        Weights weights = new Weights(all);
        String broken = weights.firstNonFinite();
        if (broken != null) {
            throw new IllegalStateException("latent-diffusion training diverged: weight " + broken + " is not finite");
        }
        byte[] onnx = LatentDiffusionGraph.export(model, weights);
        double wallSeconds = (System.nanoTime() - started) / 1e9;

        long aeExamples = autoencoder.steps() * config.autoencoder().batchSize();
        long steps = autoencoder.steps() + config.steps();
        TrainingProvenance provenance = new TrainingProvenance(count, aeExamples, (double) aeExamples / count, steps,
                config.seed(), config.threads(), wallSeconds, TorchThreads.libraryVersions(), config.asProvenance());
        ModuleManifest manifest = new ModuleManifest(ModuleKind.LATENT_DIFFUSION, List.of(label), spec,
                config.sampling(), provenance, siteId, ContentHash.sha256Hex(onnx));
        return new TrainedModule(onnx, manifest);
    }

    private Weights fitDenoiser(LatentDenoiser net, float[] data, int count, long stepOffset, TrainingListener listener) {
        int dim = net.latentDim();
        int batch = config.batchSize();
        double sd = config.sampling().diffusion().sigmaData();
        float decay = config.emaDecay();
        float[] clean = new float[batch * dim];
        float[] noisy = new float[batch * dim];
        float[] sigma = new float[batch];
        float[] weight = new float[batch];

        return DeterministicTorch.call(config.threads(), config.seed(), () -> fitDenoiserPinned(net, data, count, dim, batch,
                sd, decay, stepOffset, listener, clean, noisy, sigma, weight));
    }

    private Weights fitDenoiserPinned(LatentDenoiser net, float[] data, int count, int dim, int batch, double sd, float decay,
                                      long stepOffset, TrainingListener listener, float[] clean, float[] noisy, float[] sigma,
                                      float[] weight) {
        BatchOrder order = new BatchOrder(count, SplitMix64.derive(config.seed(), "denoiser/batch-order"));
        SplitMix64 noise = SplitMix64.derived(config.seed(), "denoiser/noise");
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager root = engine.newBaseManager()) {
            Weights initial = net.layout().initialize(SplitMix64.derive(config.seed(), "denoiser/init"));
            TrainableParameters params = new TrainableParameters(root, initial);
            Map<String, NDArray> ema = new LinkedHashMap<>();
            for (String name : initial.names()) {
                Weights.Tensor t = initial.get(name);
                ema.put(name, root.create(t.values(), new Shape(t.shape())));
            }
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
            for (int step = 0; step < config.steps(); step++) {
                int[] idx = order.next(batch);
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(data, idx[b] * dim, clean, b * dim, dim);
                    double s = StrictMath.exp(config.pMean() + config.pStd() * noise.nextGaussian());
                    sigma[b] = (float) s;
                    weight[b] = (float) ((s * s + sd * sd) / (s * sd * s * sd));
                    for (int p = b * dim; p < (b + 1) * dim; p++) {
                        noisy[p] = (float) (clean[p] + s * noise.nextGaussian());
                    }
                }
                double loss;
                try (NDManager scratch = root.newSubManager()) {
                    NDArray x0 = scratch.create(clean, new Shape(batch, dim));
                    NDArray y = scratch.create(noisy, new Shape(batch, dim));
                    NDArray s = scratch.create(sigma, new Shape(batch));
                    NDArray lambda = scratch.create(weight, new Shape(batch, 1));
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        DjlTensorOps ops = new DjlTensorOps(scratch, params.arrays());
                        NDArray error = ops.sub(net.denoise(ops, y, s), x0);
                        NDArray l = ops.mul(lambda, ops.mul(error, error)).mean();
                        l.attach(scratch);
                        collector.backward(l);
                        loss = l.getFloat();
                    }
                    params.step(adam);
                    for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
                        NDArray average = ema.get(e.getKey());
                        NDArray fresh = e.getValue().mul(1f - decay);
                        fresh.attach(scratch);
                        average.muli(decay).addi(fresh);
                    }
                }
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("latent denoiser training diverged at step " + step + ": loss " + loss);
                }
                listener.onStep(stepOffset + step, loss);
            }
            Map<String, Weights.Tensor> out = new LinkedHashMap<>();
            ema.forEach((name, a) -> out.put(name, new Weights.Tensor(a.getShape().getShape(), a.toFloatArray())));
            return new Weights(out);
        }
    }

    /** Per-dimension mean and standard deviation of the posterior means, summed in a fixed order. */
    record Standardization(float[] mean, float[] std) {

        static Standardization fit(float[] latents, int count, int dim) {
            if (count < 2) {
                throw new IllegalArgumentException("standardizing latents needs at least 2 images, got " + count);
            }
            double[] mu = new double[dim];
            double[] var = new double[dim];
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < dim; j++) mu[j] += latents[i * dim + j];
            }
            for (int j = 0; j < dim; j++) mu[j] /= count;
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < dim; j++) {
                    double d = latents[i * dim + j] - mu[j];
                    var[j] += d * d;
                }
            }
            float[] mean = new float[dim];
            float[] std = new float[dim];
            for (int j = 0; j < dim; j++) {
                mean[j] = (float) mu[j];
                std[j] = (float) Math.max(MIN_STD, StrictMath.sqrt(var[j] / (count - 1)));
            }
            return new Standardization(mean, std);
        }

        float[] apply(float[] latents, int count) {
            int dim = mean.length;
            float[] out = new float[count * dim];
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < dim; j++) out[i * dim + j] = (latents[i * dim + j] - mean[j]) / std[j];
            }
            return out;
        }
    }
}
