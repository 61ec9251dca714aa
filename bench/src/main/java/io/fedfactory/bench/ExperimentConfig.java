package io.fedfactory.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * One experiment, as a properties file describes it. Every key is optional except those without a
 * default below; an unknown key is an error (a misspelt budget would otherwise silently run the default).
 *
 * @param name              output label, e.g. "fmnist-silo10"
 * @param dataset           fashion-mnist or mnist (bundled), or a format a site keeps its data in: idx, npz,
 *                          cifar10 or folder (read by {@link io.fedfactory.data.site.SiteData}, see {@code files})
 * @param split             silo, k-classes or dirichlet
 * @param sites             number of sites (silo: 0 means one per class)
 * @param classesPerSite    k-classes only
 * @param dirichletAlpha    dirichlet only
 * @param methods           methods to run, in table order
 * @param seeds             experiment seeds; every other seed derives from these
 * @param evaluation        test (the official test split) or validation (held out from the end of TRAIN)
 * @param validationSize    images held out of TRAIN when evaluating on validation
 * @param trainPerClass     cap on training images per class (0: all), for tiny runs
 * @param evalPerClass      cap on evaluation images per class (0: all), for tiny runs
 * @param recipe            quick or standard (the classifier recipe every method uses)
 * @param classifierEpochs  overrides the recipe's epochs when above 0
 * @param classifierAugmentation recipe (the recipe's own), none, crop (random crop with padding 2, no
 *                          flips: for digits, text, or images whose left and right differ in meaning) or
 *                          crop-flip (the same crop and horizontal flips: for natural photos); the same
 *                          for every method
 * @param fedRounds         FedAvg/FedProx communication rounds
 * @param fedLocalEpochs    FedAvg/FedProx local epochs per round
 * @param fedProxMu         FedProx proximal strength
 * @param fedEvaluateEveryRound FedAvg/FedProx: evaluate the global model after every round, for choosing the
 *                          round budget; it reads the evaluation split every round, so only evaluation=validation
 * @param decoderEpochs     VAE epochs over its class's images
 * @param decoderHidden     VAE hidden width
 * @param decoderLatent     VAE latent size
 * @param decoderKlWeight   VAE KL weight (beta; 1 is the plain ELBO)
 * @param decoderFittedPrior whether VAE modules sample a Gaussian fitted to their posterior means
 * @param decoderPriorTemperature spread of that fitted Gaussian, in (0, 1]
 * @param diffusionWidth    UNet width
 * @param diffusionSteps    diffusion optimizer steps per module
 * @param diffusionBatch    diffusion batch size
 * @param samplerSteps      Heun steps when sampling diffusion modules
 * @param decoderPerClass   synthetic samples per class from decoder modules
 * @param diffusionPerClass synthetic samples per class from diffusion modules
 * @param threads           PyTorch and ONNX Runtime threads
 * @param gridPerClass      images per class in the sample grids
 * @param latent            latent-diffusion modules (their autoencoder takes decoder.epochs and hiddenWidth, and its
 *                          own KL weight, latent size and architecture)
 * @param minImagesPerModule a site trains a module for a class only if it holds at least this many of its
 *                          images; smaller holdings are reported and left to the sites that hold more
 * @param poeKind           module kind of ff-poe (the paper's local mode)
 * @param poePerClass       ff-poe: synthetic images per class a site lacks, added to its real images
 * @param privacy           the memorization audit and membership attack of every module, and DP-SGD
 *                          settings of the {@code ff-<kind>-dp<epsilon>} methods
 * @param decoderLayers     the decoder module's architecture and the number of Gaussians in its fitted prior
 * @param ffInputBlur       FF methods (server mode's global classifier and ff-poe's site classifiers): sigma in
 *                          pixels of a Gaussian blur applied to the classifier's training images and to every
 *                          image it is evaluated on; 0: none
 * @param centralizedInputBlur the same low-pass for the centralized method (a diagnostic: the ceiling of a
 *                          classifier that sees images through it); 0: none, the upper bound on raw images
 * @param files             where and how a dataset of a site's format is read (unused by the bundled ones)
 */
public record ExperimentConfig(String name, String dataset, String split, int sites, int classesPerSite,
                               double dirichletAlpha, List<String> methods, List<Long> seeds, String evaluation,
                               int validationSize, int trainPerClass, int evalPerClass, String recipe,
                               int classifierEpochs, String classifierAugmentation, int fedRounds, int fedLocalEpochs, float fedProxMu,
                               boolean fedEvaluateEveryRound,
                               int decoderEpochs, int decoderHidden, int decoderLatent, float decoderKlWeight,
                               boolean decoderFittedPrior, float decoderPriorTemperature, int diffusionWidth,
                               int diffusionSteps, int diffusionBatch, int samplerSteps, int decoderPerClass,
                               int diffusionPerClass, int threads, int gridPerClass, LatentSettings latent,
                               int minImagesPerModule, String poeKind, int poePerClass, PrivacySettings privacy,
                               DecoderLayers decoderLayers, double ffInputBlur, double centralizedInputBlur,
                               DatasetFiles files) {

    /** The formats a site keeps its data in, as {@code dataset} names them. */
    public static final Set<String> SITE_FORMATS = Set.of("idx", "npz", "cifar10", "folder");

    /**
     * A dataset kept as a site keeps it, read the way the client node reads a site's data.
     *
     * @param path        the folder (idx, cifar10, folder) or the .npz file
     * @param labels      class names in label order; empty: read from the data (folder names, CIFAR-10's
     *                    batches.meta.txt, "0".."k-1" for idx and npz)
     * @param imageSpec   CxHxW the images are read as; empty: the data's own (the first image of a folder tree)
     * @param sizePolicy  refuse or resize images whose size differs from imageSpec
     * @param holdout     fraction of every class held out as the test split when the data has none, in [0, 0.9]
     * @param holdoutSeed seed of that held-out draw, and of the validation draw
     */
    public record DatasetFiles(String path, List<String> labels, String imageSpec, String sizePolicy, double holdout,
                               long holdoutSeed) {
        private static final java.util.regex.Pattern SPEC = java.util.regex.Pattern.compile("([0-9]+)x([0-9]+)x([0-9]+)");

        public DatasetFiles {
            labels = List.copyOf(labels);
            requireOneOf("dataset.sizePolicy", sizePolicy, Set.of("refuse", "resize"));
            if (!(holdout >= 0 && holdout <= 0.9)) throw new IllegalArgumentException("dataset.holdout must be in [0, 0.9], got " + holdout);
            if (!labels.isEmpty() && labels.size() < 2) {
                throw new IllegalArgumentException("dataset.labels must name at least 2 classes, got " + labels);
            }
            if (new TreeSet<>(labels).size() != labels.size()) {
                throw new IllegalArgumentException("dataset.labels lists a class twice: " + labels);
            }
            if (!imageSpec.isEmpty()) spec(imageSpec);
        }

        /** The image spec CxHxW in [0, 1]; empty when the data's own is used. */
        public java.util.Optional<io.fedfactory.data.ImageSpec> spec() {
            return imageSpec.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(spec(imageSpec));
        }

        private static io.fedfactory.data.ImageSpec spec(String text) {
            var m = SPEC.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("dataset.imageSpec must be CxHxW (channels x height x width, e.g. 3x32x32), got '"
                        + text + "'");
            }
            try {
                return io.fedfactory.data.ImageSpec.unitRange(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dataset.imageSpec " + text + ": " + e.getMessage());
            }
        }
    }

    /**
     * The autoencoder of decoder and latent-diffusion modules, and the decoder's fitted prior.
     *
     * @param architecture    mlp or conv ({@link io.fedfactory.generative.decoder.Vae.Architecture})
     * @param convWidth       channels of the conv architecture's widest layers (a multiple of 4)
     * @param priorComponents Gaussians in the decoder's fitted prior (1: one; more: an EM-fitted mixture,
     *                        fewer when a class has under 10 x latentDim images per component)
     */
    public record DecoderLayers(String architecture, int convWidth, int priorComponents) {
        public DecoderLayers {
            io.fedfactory.generative.decoder.Vae.Architecture.parse("decoder.architecture", architecture);
            if (convWidth < 4 || convWidth > 1024 || convWidth % 4 != 0) {
                throw new IllegalArgumentException("decoder.convWidth must be a multiple of 4 in [4, 1024], got " + convWidth);
            }
            range("decoder.priorComponents", priorComponents, 1, io.fedfactory.generative.decoder.MixturePrior.MAX_COMPONENTS);
        }

        /** {@code base} with this architecture and, if it has a fitted prior, these components. */
        public io.fedfactory.generative.decoder.DecoderTrainingConfig applyTo(
                io.fedfactory.generative.decoder.DecoderTrainingConfig base) {
            var c = "conv".equals(architecture) ? base.withConvolutions(convWidth) : base;
            return c.fittedPrior() ? c.withPriorComponents(priorComponents) : c;
        }
    }

    /**
     * Privacy of the modules. With {@code audit}, each site holds out a seeded {@code holdOut} share of
     * every class before training its modules (they never see it); each module is then audited
     * ({@code MemorizationAudit}, {@code auditSamples} samples) and attacked ({@code MembershipAttack},
     * {@code attackSamples} samples, its training images against the held-out ones). A method named
     * {@code ff-<kind>-dp<epsilon>} trains every module with DP-SGD at that epsilon: the noise multiplier
     * is calibrated per module by the accountant for its sampling rate and steps.
     */
    public record PrivacySettings(boolean audit, double holdOut, int auditSamples, int attackSamples, double dpClip,
                                  int dpMicrobatch, double dpDelta) {
        public PrivacySettings {
            if (!(holdOut > 0 && holdOut < 1)) {
                throw new IllegalArgumentException("privacy.holdOut must be in (0, 1), got " + holdOut);
            }
            range("privacy.auditSamples", auditSamples, 1, 100_000);
            range("privacy.attackSamples", attackSamples, 1, 100_000);
            if (!(dpClip > 0 && dpClip < 1e6)) throw new IllegalArgumentException("dp.clip must be in (0, 1e6), got " + dpClip);
            range("dp.microbatch", dpMicrobatch, 1, 4096);
            if (!(dpDelta > 0 && dpDelta < 1)) throw new IllegalArgumentException("dp.delta must be in (0, 1), got " + dpDelta);
        }
    }

    /** {@code ff-<kind>-dp<epsilon>}: a FederatedFactory method whose modules train under DP-SGD. */
    private static final java.util.regex.Pattern DP_METHOD =
            java.util.regex.Pattern.compile("ff-(decoder|diffusion|latent-diffusion)-dp([0-9]+(\\.[0-9]+)?)");

    /** The target epsilon of a {@code ff-<kind>-dp<epsilon>} method; empty for any other method. */
    public static java.util.OptionalDouble targetEpsilon(String method) {
        var m = DP_METHOD.matcher(method);
        return m.matches() ? java.util.OptionalDouble.of(Double.parseDouble(m.group(2))) : java.util.OptionalDouble.empty();
    }

    /** The method without its {@code -dp<epsilon>} suffix. */
    public static String baseMethod(String method) {
        var m = DP_METHOD.matcher(method);
        return m.matches() ? "ff-" + m.group(1) : method;
    }

    /**
     * Latent-diffusion modules.
     *
     * @param klWeight        KL weight of the module's autoencoder
     * @param latentDim       latent size of the module's autoencoder (the space its denoiser works in)
     * @param architecture    the autoencoder's layers: mlp or conv
     * @param convWidth       with conv: channels of its first convolution (a multiple of 4)
     * @param denoiserWidth   hidden width of the latent denoiser (multiple of 16)
     * @param denoiserBlocks  residual blocks of the latent denoiser
     * @param denoiserSteps   denoiser optimizer steps per module
     * @param samplerSteps    Heun steps when sampling
     * @param perClass        synthetic samples per class
     */
    public record LatentSettings(float klWeight, int latentDim, String architecture, int convWidth, int denoiserWidth,
                                 int denoiserBlocks, int denoiserSteps, int samplerSteps, int perClass) {
        public LatentSettings {
            if (!(klWeight > 0 && klWeight <= 100)) {
                throw new IllegalArgumentException("latent.klWeight must be in (0, 100], got " + klWeight);
            }
            range("latent.latentDim", latentDim, 1, 4096);
            io.fedfactory.generative.decoder.Vae.Architecture.parse("latent.architecture", architecture);
            if (convWidth < 4 || convWidth > 1024 || convWidth % 4 != 0) {
                throw new IllegalArgumentException("latent.convWidth must be a multiple of 4 in [4, 1024], got " + convWidth);
            }
            if (denoiserWidth < 16 || denoiserWidth > 4096 || denoiserWidth % 16 != 0) {
                throw new IllegalArgumentException("latent.denoiserWidth must be a multiple of 16 in [16, 4096], got "
                        + denoiserWidth);
            }
            range("latent.denoiserBlocks", denoiserBlocks, 1, 64);
            range("latent.denoiserSteps", denoiserSteps, 1, 10_000_000);
            range("latent.samplerSteps", samplerSteps, 1, 1000);
            range("synthesis.latentPerClass", perClass, 1, 10_000_000);
        }

        /** {@code base} with this architecture. */
        public io.fedfactory.generative.decoder.DecoderTrainingConfig applyTo(
                io.fedfactory.generative.decoder.DecoderTrainingConfig base) {
            return "conv".equals(architecture) ? base.withConvolutions(convWidth) : base;
        }
    }

    public static final Set<String> METHODS = Set.of("centralized", "fedavg", "fedprox", "ff-decoder", "ff-diffusion",
            "ff-latent-diffusion", "ff-ensemble", "ff-poe");
    public static final int MAX_SEEDS = 100;

    private static final Map<String, String> DEFAULTS = defaults();

    public ExperimentConfig {
        methods = List.copyOf(methods);
        Objects.requireNonNull(latent, "latent");
        seeds = List.copyOf(seeds);
        Set<String> datasets = new TreeSet<>(SITE_FORMATS);
        datasets.addAll(Set.of("fashion-mnist", "mnist"));
        requireOneOf("dataset", dataset, datasets);
        Objects.requireNonNull(files, "files");
        if (SITE_FORMATS.contains(dataset)) {
            if (files.path().isEmpty()) throw new IllegalArgumentException("dataset=" + dataset + " needs dataset.path");
        } else if (!files.path().isEmpty() || !files.labels().isEmpty() || !files.imageSpec().isEmpty()) {
            throw new IllegalArgumentException("dataset.path, dataset.labels and dataset.imageSpec are read only with dataset="
                    + String.join("|", new TreeSet<>(SITE_FORMATS)) + ", not with dataset=" + dataset);
        }
        requireOneOf("split", split, Set.of("silo", "k-classes", "dirichlet"));
        requireOneOf("evaluation", evaluation, Set.of("test", "validation"));
        requireOneOf("classifier.recipe", recipe, Set.of("quick", "standard"));
        requireOneOf("classifier.augmentation", classifierAugmentation, Set.of("recipe", "none", "crop", "crop-flip"));
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("name must be 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        range("sites", sites, split.equals("silo") ? 0 : 1, 1000);
        if (split.equals("k-classes")) range("split.classesPerSite", classesPerSite, 1, 1000);
        if (split.equals("dirichlet") && !(dirichletAlpha > 0 && dirichletAlpha <= 1000)) {
            throw new IllegalArgumentException("split.alpha must be in (0, 1000], got " + dirichletAlpha);
        }
        if (methods.isEmpty()) throw new IllegalArgumentException("methods must name at least one of " + new TreeSet<>(METHODS));
        for (String m : methods) {
            if (targetEpsilon(m).isPresent()) {
                if (!(targetEpsilon(m).getAsDouble() > 0)) throw new IllegalArgumentException("methods: " + m + " needs an epsilon > 0");
            } else {
                requireOneOf("methods", m, METHODS);
            }
        }
        Objects.requireNonNull(privacy, "privacy");
        if (new TreeSet<>(methods).size() != methods.size()) throw new IllegalArgumentException("methods lists a method twice: " + methods);
        if (seeds.isEmpty() || seeds.size() > MAX_SEEDS) {
            throw new IllegalArgumentException("seeds must list 1 to " + MAX_SEEDS + " seeds, got " + seeds.size());
        }
        if (Set.copyOf(seeds).size() != seeds.size()) throw new IllegalArgumentException("seeds lists a seed twice: " + seeds);
        range("validation.size", validationSize, 1, 59_000);
        range("data.trainPerClass", trainPerClass, 0, 1_000_000);
        range("data.evalPerClass", evalPerClass, 0, 1_000_000);
        range("classifier.epochs", classifierEpochs, 0, 10_000);
        range("fedavg.rounds", fedRounds, 1, 10_000);
        range("fedavg.localEpochs", fedLocalEpochs, 1, 1_000);
        if (!(fedProxMu > 0 && fedProxMu <= 100)) throw new IllegalArgumentException("fedprox.mu must be in (0, 100], got " + fedProxMu);
        if (fedEvaluateEveryRound && !evaluation.equals("validation")) {
            throw new IllegalArgumentException("fedavg.evaluateEveryRound=true reads the evaluation split after every round,"
                    + " which may only be the validation split (evaluation=validation), got evaluation=" + evaluation);
        }
        range("decoder.epochs", decoderEpochs, 1, 100_000);
        range("decoder.hiddenWidth", decoderHidden, 16, 8192);
        range("decoder.latentDim", decoderLatent, 1, 4096);
        if (!(decoderKlWeight > 0 && decoderKlWeight <= 100)) {
            throw new IllegalArgumentException("decoder.klWeight must be in (0, 100], got " + decoderKlWeight);
        }
        if (!(decoderPriorTemperature > 0 && decoderPriorTemperature <= 2)) {
            throw new IllegalArgumentException("decoder.priorTemperature must be in (0, 2], got " + decoderPriorTemperature);
        }
        java.util.Objects.requireNonNull(decoderLayers, "decoderLayers");
        if (!io.fedfactory.data.GaussianBlur.isSigmaOrNone(ffInputBlur)) {
            throw new IllegalArgumentException("ff.inputBlur must be " + io.fedfactory.data.GaussianBlur.SIGMA_OR_NONE
                    + ", got " + ffInputBlur);
        }
        if (!io.fedfactory.data.GaussianBlur.isSigmaOrNone(centralizedInputBlur)) {
            throw new IllegalArgumentException("centralized.inputBlur must be " + io.fedfactory.data.GaussianBlur.SIGMA_OR_NONE
                    + ", got " + centralizedInputBlur);
        }
        if (!decoderFittedPrior && decoderLayers.priorComponents() != 1) {
            throw new IllegalArgumentException("decoder.priorComponents needs decoder.fittedPrior=true, got "
                    + decoderLayers.priorComponents() + " without it");
        }
        if (!decoderFittedPrior && decoderPriorTemperature != 1f) {
            throw new IllegalArgumentException("decoder.priorTemperature needs decoder.fittedPrior=true, got "
                    + decoderPriorTemperature + " without it");
        }
        range("diffusion.width", diffusionWidth, 4, 512);
        range("diffusion.steps", diffusionSteps, 1, 10_000_000);
        range("diffusion.batchSize", diffusionBatch, 1, 4096);
        range("diffusion.samplerSteps", samplerSteps, 1, 1000);
        range("synthesis.decoderPerClass", decoderPerClass, 1, 10_000_000);
        range("synthesis.diffusionPerClass", diffusionPerClass, 1, 10_000_000);
        range("threads", threads, 1, 256);
        range("grid.perClass", gridPerClass, 1, 64);
        range("modules.minImages", minImagesPerModule, 2, 1_000_000);
        requireOneOf("poe.kind", poeKind, Set.of("decoder", "diffusion", "latent-diffusion"));
        range("poe.perClass", poePerClass, 1, 10_000_000);
    }

    /** Reads a properties file; the file name appears in every error. */
    public static ExperimentConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            return fromProperties(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config " + file + ": " + e.getMessage(), e);
        }
    }

    public static ExperimentConfig fromProperties(Properties p) {
        for (String key : p.stringPropertyNames()) {
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; known keys: " + new TreeSet<>(DEFAULTS.keySet()));
            }
        }
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        for (String key : p.stringPropertyNames()) v.put(key, p.getProperty(key).trim());
        return new ExperimentConfig(v.get("name"), v.get("dataset"), v.get("split"), integer(v, "sites"),
                integer(v, "split.classesPerSite"), real(v, "split.alpha"), list(v, "methods"), longs(v, "seeds"),
                v.get("evaluation"), integer(v, "validation.size"), integer(v, "data.trainPerClass"),
                integer(v, "data.evalPerClass"), v.get("classifier.recipe"), integer(v, "classifier.epochs"),
                v.get("classifier.augmentation"),
                integer(v, "fedavg.rounds"), integer(v, "fedavg.localEpochs"), (float) real(v, "fedprox.mu"),
                bool(v, "fedavg.evaluateEveryRound"),
                integer(v, "decoder.epochs"), integer(v, "decoder.hiddenWidth"), integer(v, "decoder.latentDim"),
                (float) real(v, "decoder.klWeight"), bool(v, "decoder.fittedPrior"),
                (float) real(v, "decoder.priorTemperature"),
                integer(v, "diffusion.width"), integer(v, "diffusion.steps"), integer(v, "diffusion.batchSize"),
                integer(v, "diffusion.samplerSteps"), integer(v, "synthesis.decoderPerClass"),
                integer(v, "synthesis.diffusionPerClass"), integer(v, "threads"), integer(v, "grid.perClass"),
                new LatentSettings((float) real(v, "latent.klWeight"), integer(v, "latent.latentDim"),
                        v.get("latent.architecture"), integer(v, "latent.convWidth"),
                        integer(v, "latent.denoiserWidth"),
                        integer(v, "latent.denoiserBlocks"), integer(v, "latent.denoiserSteps"),
                        integer(v, "latent.samplerSteps"), integer(v, "synthesis.latentPerClass")),
                integer(v, "modules.minImages"), v.get("poe.kind"), integer(v, "poe.perClass"),
                new PrivacySettings(bool(v, "privacy.audit"), real(v, "privacy.holdOut"), integer(v, "privacy.auditSamples"),
                        integer(v, "privacy.attackSamples"), real(v, "dp.clip"), integer(v, "dp.microbatch"),
                        real(v, "dp.delta")),
                new DecoderLayers(v.get("decoder.architecture"), integer(v, "decoder.convWidth"),
                        integer(v, "decoder.priorComponents")),
                real(v, "ff.inputBlur"), real(v, "centralized.inputBlur"),
                new DatasetFiles(v.get("dataset.path"), list(v, "dataset.labels"), v.get("dataset.imageSpec"),
                        v.get("dataset.sizePolicy"), real(v, "dataset.holdout"), longValue(v, "dataset.holdoutSeed")));
    }

    /** The same experiment with other seeds. */
    public ExperimentConfig withSeeds(List<Long> newSeeds) {
        return new ExperimentConfig(name, dataset, split, sites, classesPerSite, dirichletAlpha, methods, newSeeds,
                evaluation, validationSize, trainPerClass, evalPerClass, recipe, classifierEpochs, classifierAugmentation, fedRounds,
                fedLocalEpochs, fedProxMu, fedEvaluateEveryRound, decoderEpochs, decoderHidden, decoderLatent, decoderKlWeight,
                decoderFittedPrior, decoderPriorTemperature, diffusionWidth, diffusionSteps,
                diffusionBatch, samplerSteps, decoderPerClass, diffusionPerClass, threads, gridPerClass, latent, minImagesPerModule,
                poeKind, poePerClass, privacy, decoderLayers, ffInputBlur, centralizedInputBlur, files);
    }

    /** Every setting (defaults filled in) as key = value lines, in a fixed order. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("dataset", dataset);
        m.put("dataset.path", files.path());
        m.put("dataset.labels", String.join(",", files.labels()));
        m.put("dataset.imageSpec", files.imageSpec());
        m.put("dataset.sizePolicy", files.sizePolicy());
        m.put("dataset.holdout", Double.toString(files.holdout()));
        m.put("dataset.holdoutSeed", Long.toString(files.holdoutSeed()));
        m.put("split", split);
        m.put("sites", Integer.toString(sites));
        m.put("split.classesPerSite", Integer.toString(classesPerSite));
        m.put("split.alpha", Double.toString(dirichletAlpha));
        m.put("methods", String.join(",", methods));
        List<String> s = new ArrayList<>();
        for (long seed : seeds) s.add(Long.toString(seed));
        m.put("seeds", String.join(",", s));
        m.put("evaluation", evaluation);
        m.put("validation.size", Integer.toString(validationSize));
        m.put("data.trainPerClass", Integer.toString(trainPerClass));
        m.put("data.evalPerClass", Integer.toString(evalPerClass));
        m.put("classifier.recipe", recipe);
        m.put("classifier.epochs", Integer.toString(classifierEpochs));
        m.put("classifier.augmentation", classifierAugmentation);
        m.put("fedavg.rounds", Integer.toString(fedRounds));
        m.put("fedavg.localEpochs", Integer.toString(fedLocalEpochs));
        m.put("fedprox.mu", Float.toString(fedProxMu));
        m.put("fedavg.evaluateEveryRound", Boolean.toString(fedEvaluateEveryRound));
        m.put("decoder.epochs", Integer.toString(decoderEpochs));
        m.put("decoder.hiddenWidth", Integer.toString(decoderHidden));
        m.put("decoder.latentDim", Integer.toString(decoderLatent));
        m.put("decoder.klWeight", Float.toString(decoderKlWeight));
        m.put("decoder.fittedPrior", Boolean.toString(decoderFittedPrior));
        m.put("decoder.priorTemperature", Float.toString(decoderPriorTemperature));
        m.put("decoder.architecture", decoderLayers.architecture());
        m.put("decoder.convWidth", Integer.toString(decoderLayers.convWidth()));
        m.put("decoder.priorComponents", Integer.toString(decoderLayers.priorComponents()));
        m.put("ff.inputBlur", Double.toString(ffInputBlur));
        m.put("centralized.inputBlur", Double.toString(centralizedInputBlur));
        m.put("diffusion.width", Integer.toString(diffusionWidth));
        m.put("diffusion.steps", Integer.toString(diffusionSteps));
        m.put("diffusion.batchSize", Integer.toString(diffusionBatch));
        m.put("diffusion.samplerSteps", Integer.toString(samplerSteps));
        m.put("synthesis.decoderPerClass", Integer.toString(decoderPerClass));
        m.put("synthesis.diffusionPerClass", Integer.toString(diffusionPerClass));
        m.put("threads", Integer.toString(threads));
        m.put("grid.perClass", Integer.toString(gridPerClass));
        m.put("latent.klWeight", Float.toString(latent.klWeight()));
        m.put("latent.latentDim", Integer.toString(latent.latentDim()));
        m.put("latent.architecture", latent.architecture());
        m.put("latent.convWidth", Integer.toString(latent.convWidth()));
        m.put("latent.denoiserWidth", Integer.toString(latent.denoiserWidth()));
        m.put("latent.denoiserBlocks", Integer.toString(latent.denoiserBlocks()));
        m.put("latent.denoiserSteps", Integer.toString(latent.denoiserSteps()));
        m.put("latent.samplerSteps", Integer.toString(latent.samplerSteps()));
        m.put("synthesis.latentPerClass", Integer.toString(latent.perClass()));
        m.put("modules.minImages", Integer.toString(minImagesPerModule));
        m.put("poe.kind", poeKind);
        m.put("poe.perClass", Integer.toString(poePerClass));
        m.put("privacy.audit", Boolean.toString(privacy.audit()));
        m.put("privacy.holdOut", Double.toString(privacy.holdOut()));
        m.put("privacy.auditSamples", Integer.toString(privacy.auditSamples()));
        m.put("privacy.attackSamples", Integer.toString(privacy.attackSamples()));
        m.put("dp.clip", Double.toString(privacy.dpClip()));
        m.put("dp.microbatch", Integer.toString(privacy.dpMicrobatch()));
        m.put("dp.delta", Double.toString(privacy.dpDelta()));
        return m;
    }

    public String describeSplit() {
        return switch (split) {
            case "silo" -> "silo (each class at one site), " + (sites == 0 ? "one site per class" : sites + " sites");
            case "k-classes" -> classesPerSite + " classes per site, " + sites + " sites";
            default -> String.format(Locale.ROOT, "Dirichlet(alpha=%s) label skew, %d sites", dirichletAlpha, sites);
        };
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("name", "experiment");
        d.put("dataset", "fashion-mnist");
        d.put("dataset.path", "");
        d.put("dataset.labels", "");
        d.put("dataset.imageSpec", "");
        d.put("dataset.sizePolicy", "refuse");
        d.put("dataset.holdout", "0.2");
        d.put("dataset.holdoutSeed", "1");
        d.put("split", "silo");
        d.put("sites", "10");
        d.put("split.classesPerSite", "2");
        d.put("split.alpha", "0.1");
        d.put("methods", "centralized,fedavg,ff-decoder,ff-diffusion");
        d.put("seeds", "1");
        d.put("evaluation", "test");
        d.put("validation.size", "5000");
        d.put("data.trainPerClass", "0");
        d.put("data.evalPerClass", "0");
        d.put("classifier.recipe", "quick");
        d.put("classifier.epochs", "0");
        d.put("classifier.augmentation", "recipe");
        d.put("fedavg.rounds", "3");
        d.put("fedavg.localEpochs", "1");
        d.put("fedprox.mu", "0.1");
        d.put("fedavg.evaluateEveryRound", "false");
        d.put("decoder.epochs", "5");
        d.put("decoder.hiddenWidth", "400");
        d.put("decoder.latentDim", "16");
        d.put("decoder.klWeight", "1");
        d.put("decoder.fittedPrior", "false");
        d.put("decoder.priorTemperature", "1");
        d.put("decoder.architecture", "mlp");
        d.put("decoder.convWidth", "32");
        d.put("decoder.priorComponents", "1");
        d.put("diffusion.width", "8");
        d.put("diffusion.steps", "150");
        d.put("diffusion.batchSize", "64");
        d.put("diffusion.samplerSteps", "10");
        d.put("synthesis.decoderPerClass", "3000");
        d.put("synthesis.diffusionPerClass", "300");
        d.put("threads", "2");
        d.put("grid.perClass", "8");
        d.put("latent.klWeight", "0.1");
        d.put("latent.latentDim", "16");
        d.put("latent.architecture", "mlp");
        d.put("latent.convWidth", "32");
        d.put("latent.denoiserWidth", "256");
        d.put("latent.denoiserBlocks", "2");
        d.put("latent.denoiserSteps", "4000");
        d.put("latent.samplerSteps", "32");
        d.put("synthesis.latentPerClass", "3000");
        d.put("modules.minImages", "50");
        d.put("poe.kind", "decoder");
        d.put("poe.perClass", "600");
        d.put("ff.inputBlur", "0");
        d.put("centralized.inputBlur", "0");
        d.put("privacy.audit", "false");
        d.put("privacy.holdOut", "0.1");
        d.put("privacy.auditSamples", "500");
        d.put("privacy.attackSamples", "1000");
        d.put("dp.clip", "1.0");
        d.put("dp.microbatch", "8");
        d.put("dp.delta", "1e-5");
        return d;
    }

    private static int integer(Map<String, String> v, String key) {
        try {
            return Integer.parseInt(v.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v.get(key) + "'");
        }
    }

    private static long longValue(Map<String, String> v, String key) {
        try {
            return Long.parseLong(v.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v.get(key) + "'");
        }
    }

    private static double real(Map<String, String> v, String key) {
        try {
            return Double.parseDouble(v.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v.get(key) + "'");
        }
    }

    private static boolean bool(Map<String, String> v, String key) {
        String s = v.get(key);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new IllegalArgumentException(key + " must be true or false, got '" + s + "'");
    }

    private static List<String> list(Map<String, String> v, String key) {
        List<String> out = new ArrayList<>();
        for (String s : v.get(key).split(",")) {
            if (!s.isBlank()) out.add(s.trim());
        }
        return out;
    }

    private static List<Long> longs(Map<String, String> v, String key) {
        List<Long> out = new ArrayList<>();
        for (String s : list(v, key)) {
            try {
                out.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be comma-separated integers, got '" + s + "'");
            }
        }
        return out;
    }

    private static void requireOneOf(String key, String value, Set<String> allowed) {
        if (!allowed.contains(Objects.requireNonNullElse(value, ""))) {
            throw new IllegalArgumentException(key + " must be one of " + new TreeSet<>(allowed) + ", got '" + value + "'");
        }
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
