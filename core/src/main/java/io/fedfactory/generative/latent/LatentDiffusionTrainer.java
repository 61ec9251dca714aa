package io.fedfactory.generative.latent;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.nn.TorchThreads;
import io.fedfactory.generative.nn.TrainableParameters;
import io.fedfactory.generative.nn.Weights;
import io.fedfactory.generative.diffusion.EdmLoss;
import io.fedfactory.privacy.DpGuarantee;
import io.fedfactory.privacy.DpSgd;
import io.fedfactory.privacy.DpSgdConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
 *
 * <p>With DP-SGD ({@link DpSgd}) both phases read the images, so both are private: the autoencoder
 * through the decoder's private path, then the denoiser on each image's posterior mean as that
 * image's record (a function of the image through the released encoder), Poisson-sampled at expected
 * size {@code batchSize} over the same images, each microbatch's gradient clipped before the noise.
 * The standardization is not fitted under DP-SGD (it would read the latents outside the mechanism):
 * the latents are used as they are, mean 0 and standard deviation 1, which the autoencoder's KL term
 * to N(0, I) keeps them near. The guarantee is both phases composed in one Renyi-DP accountant and
 * converted once at delta ({@link DpGuarantee#then}), recorded in the provenance's {@code dp.*} entries.
 */
public final class LatentDiffusionTrainer implements GenerativeModuleTrainer {

    /** Smallest standard deviation a latent dimension is divided by. */
    static final double MIN_STD = 1e-6;

    private final LatentDiffusionTrainingConfig config;
    /** DP-SGD settings of both phases; null for plain training. */
    private final DpSgdConfig privacy;

    public LatentDiffusionTrainer(LatentDiffusionTrainingConfig config) {
        this.config = Objects.requireNonNull(config);
        this.privacy = null;
    }

    /** Trains both phases with DP-SGD at {@code privacy}; the latents are not standardized. */
    public LatentDiffusionTrainer(LatentDiffusionTrainingConfig config, DpSgdConfig privacy) {
        this.config = Objects.requireNonNull(config);
        this.privacy = Objects.requireNonNull(privacy);
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
        Vae vae = config.autoencoder().autoencoder(spec, 0);
        LatentDenoiser denoiser = new LatentDenoiser(latent, config.width(), config.blocks(),
                config.sampling().diffusion().sigmaData());
        LatentDiffusionModel model = new LatentDiffusionModel(vae, denoiser);
        long started = System.nanoTime();

        DecoderTrainer.FittedVae autoencoder = DecoderTrainer.fitVae(config.autoencoder(), vae, oneClass, privacy,
                listener);
        int count = oneClass.size();
        Standardization standard = privacy == null ? Standardization.fit(autoencoder.posteriorMeans(), count, latent)
                : Standardization.identity(latent);
        float[] z = standard.apply(autoencoder.posteriorMeans(), count);
        DpSgd dp = privacy == null ? null
                : new DpSgd(privacy, count, config.batchSize(), SplitMix64.derive(config.seed(), "denoiser/dp-sgd"));
        Weights den = fitDenoiser(denoiser, z, count, autoencoder.steps(), dp, listener);

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
        Map<String, String> hyperparameters = new TreeMap<>(config.asProvenance());
        if (dp != null) hyperparameters.putAll(autoencoder.privacy().then(dp.guarantee()).asProvenance());
        TrainingProvenance provenance = new TrainingProvenance(count, aeExamples, (double) aeExamples / count, steps,
                config.seed(), config.threads(), wallSeconds, TorchThreads.libraryVersions(), hyperparameters);
        ModuleManifest manifest = new ModuleManifest(ModuleKind.LATENT_DIFFUSION, List.of(label), spec,
                config.sampling(), provenance, siteId, ContentHash.sha256Hex(onnx));
        return new TrainedModule(onnx, manifest);
    }

    private Weights fitDenoiser(LatentDenoiser net, float[] data, int count, long stepOffset, DpSgd dp,
                                TrainingListener listener) {
        return DeterministicTorch.call(config.threads(), config.seed(), () -> {
            BatchOrder order = new BatchOrder(count, SplitMix64.derive(config.seed(), "denoiser/batch-order"));
            float decay = config.emaDecay();
            Engine engine = Engine.getEngine("PyTorch");
            try (NDManager root = engine.newBaseManager()) {
                Weights initial = net.layout().initialize(SplitMix64.derive(config.seed(), "denoiser/init"));
                TrainableParameters params = new TrainableParameters(root, initial);
                Map<String, NDArray> ema = new LinkedHashMap<>();
                for (String name : initial.names()) {
                    Weights.Tensor t = initial.get(name);
                    ema.put(name, root.create(t.values(), new Shape(t.shape())));
                }
                EdmLoss loss = new EdmLoss(data, new long[] {net.latentDim()}, config.pMean(), config.pStd(),
                        config.sampling().diffusion().sigmaData(), SplitMix64.derived(config.seed(), "denoiser/noise"),
                        params.arrays(), net::denoise);
                Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build();
                for (int step = 0; step < config.steps(); step++) {
                    double l = DpSgd.trainStep(dp, engine, root, params, adam, order, config.batchSize(), loss);
                    try (NDManager scratch = root.newSubManager()) {
                        for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
                            NDArray average = ema.get(e.getKey());
                            NDArray fresh = e.getValue().mul(1f - decay);
                            fresh.attach(scratch);
                            average.muli(decay).addi(fresh);
                        }
                    }
                    if (Double.isNaN(l) && dp != null) continue;
                    if (!Double.isFinite(l)) {
                        throw new IllegalStateException("latent denoiser training diverged at step " + step + ": loss " + l);
                    }
                    listener.onStep(stepOffset + step, l);
                }
                Map<String, Weights.Tensor> out = new LinkedHashMap<>();
                ema.forEach((name, a) -> out.put(name, new Weights.Tensor(a.getShape().getShape(), a.toFloatArray())));
                return new Weights(out);
            }
        });
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

        /** No standardization: mean 0, standard deviation 1 in every dimension. */
        static Standardization identity(int dim) {
            float[] std = new float[dim];
            java.util.Arrays.fill(std, 1f);
            return new Standardization(new float[dim], std);
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
