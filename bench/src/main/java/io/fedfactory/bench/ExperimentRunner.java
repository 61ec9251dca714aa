package io.fedfactory.bench;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.bench.baseline.CentralizedTraining;
import io.fedfactory.bench.baseline.FedAvg;
import io.fedfactory.bench.baseline.FedAvgConfig;
import io.fedfactory.bench.baseline.FedAvgResult;
import io.fedfactory.bench.baseline.RoundObserver;
import io.fedfactory.classifier.Augmentation;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.OnnxClassifier;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.classifier.TrainingListener;
import io.fedfactory.data.Dataset;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.imaging.SampleGrid;
import io.fedfactory.metrics.ClassificationReport;
import io.fedfactory.partition.ClassesPerSiteScheme;
import io.fedfactory.partition.DirichletScheme;
import io.fedfactory.partition.Partition;
import io.fedfactory.partition.PartitionScheme;
import io.fedfactory.partition.SiloScheme;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every method of an experiment under every seed, in one JVM and one thread, so DJL training
 * runs one job at a time. Every method uses the same classifier recipe (seeded per experiment seed)
 * and is scored on the same evaluation images.
 */
final class ExperimentRunner {

    // Speeds (images per second) measured on a loaded 2-core machine; they only drive the ETA.
    private static final double CLASSIFIER_IPS = 1000;
    private static final double DECODER_TRAIN_IPS = 6000;
    private static final double DECODER_SAMPLE_IPS = 50_000;
    /** Rough rates for the ETA only: latent denoiser optimizer steps per second, latent Heun steps x samples per second. */
    private static final double LATENT_DENOISER_STEPS_PER_SECOND = 150;
    private static final double LATENT_SAMPLE_STEPS_PER_SECOND = 200_000;
    private static final double DIFFUSION_TRAIN_IPS_WIDTH8 = 350;
    private static final double DIFFUSION_SAMPLE_IPS_18_STEPS = 38;
    private static final double EVAL_IPS = 5000;
    /** DP-SGD (microbatches of 8) against plain training of a decoder module, DpSgdTest's figure: for the ETA only. */
    private static final double DP_SGD_COST_RATIO = 6.4;

    private final ExperimentConfig config;
    private final ExperimentData data;
    private final Path outDir;
    private final Progress progress;

    ExperimentRunner(ExperimentConfig config, ExperimentData data, Path outDir, java.io.PrintStream log) {
        this.config = config;
        this.data = data;
        this.outDir = outDir;
        this.progress = new Progress(log, totalCost());
    }

    /** The runs that finished, and those that failed. */
    record Outcome(List<MethodRun> runs, List<MethodFailure> failures) {}

    /** Told after every run, finished or failed, with everything so far. */
    interface Checkpoint {
        void save(Outcome soFar) throws IOException;
    }

    Outcome run() throws IOException {
        return run(soFar -> { });
    }

    Outcome run(Checkpoint checkpoint) throws IOException {
        checkShapes(config, data.train().spec());
        new SampleGrid(data.train().spec(), data.train().labelNames(), firstImages(data.train()), 3)
                .writePng(outDir.resolve("samples-real.png"));
        Partition partition = scheme().split(data.train(), SplitMix64.derive(config.seeds().get(0), "partition"));
        progress.note("split: " + partition.scheme() + ", " + partition.siteCount() + " sites; train " + data.train().size()
                + " images; evaluation on " + data.evalDescription());
        List<MethodRun> runs = new ArrayList<>();
        List<MethodFailure> failures = new ArrayList<>();
        for (int i = 0; i < config.seeds().size(); i++) {
            long seed = config.seeds().get(i);
            Partition p = config.split().equals("silo") ? partition
                    : scheme().split(data.train(), SplitMix64.derive(seed, "partition"));
            for (String method : config.methods()) {
                String label = "seed " + seed + " (" + (i + 1) + "/" + config.seeds().size() + ") " + method;
                try {
                    MethodRun r = runMethod(method, seed, p, label, i == 0);
                    progress.note(label + ": " + r.report().summary().lines().findFirst().orElse(""));
                    runs.add(r);
                } catch (RuntimeException e) {
                    // One method's failure (a site too small to train on, a diverged module) must not throw
                    // away the figures of every other method and seed.
                    String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                    progress.note(label + " FAILED: " + error);
                    failures.add(new MethodFailure(method, seed, error));
                }
                checkpoint.save(new Outcome(runs, failures));
            }
        }
        return new Outcome(runs, failures);
    }

    private MethodRun runMethod(String method, long seed, Partition partition, String label, boolean firstSeed)
            throws IOException {
        ClassifierRecipe recipe = recipe(seed);
        List<Dataset> sites = partition.siteDatasets(data.train());
        Map<String, Double> phases = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        TrainedClassifier model;
        long[] bytes;
        switch (method) {
            case "centralized" -> {
                progress.startPhase(label + " training", classifierCost(data.train().size()));
                ClassifierRecipe central = config.centralizedInputBlur() > 0
                        ? recipe.withInputBlur((float) config.centralizedInputBlur()) : recipe;
                model = new CentralizedTraining(central).train(sites, listener());
                phases.put("classifierTraining", seconds(model.wallTime()));
                progress.endPhase("done in " + Progress.format(phases.get("classifierTraining")));
                bytes = new long[sites.size()];
                details.put("trainingImages", data.train().size());
                if (model.recipe().inputBlur() > 0) details.put("inputBlurSigma", (double) model.recipe().inputBlur());
            }
            case "fedavg", "fedprox" -> {
                FedAvgConfig fc = method.equals("fedavg") ? FedAvgConfig.fedAvg(config.fedRounds(), config.fedLocalEpochs())
                        : FedAvgConfig.fedProx(config.fedRounds(), config.fedLocalEpochs(), config.fedProxMu());
                progress.startPhase(label + " rounds", fedCost());
                // For choosing the round budget on the validation split: the global model after each round.
                List<Double> perRound = new ArrayList<>();
                RoundObserver observer = config.fedEvaluateEveryRound()
                        ? (stats, global) -> perRound.add(evaluate(global).accuracy()) : RoundObserver.NONE;
                FedAvgResult r = new FedAvg(recipe, fc).run(sites, listener(), observer);
                model = r.model();
                phases.put("federatedTraining", seconds(r.wallTime()));
                progress.endPhase("done in " + Progress.format(phases.get("federatedTraining")));
                bytes = r.bytesSentPerSite();
                details.put("rounds", config.fedRounds());
                details.put("localEpochs", config.fedLocalEpochs());
                if (method.equals("fedprox")) details.put("proximalMu", (double) config.fedProxMu());
                details.put("bytesPerUpload", r.bytesPerUpload());
                details.put("bytesCounted", "uploads only (site to server), one model per round");
                if (!perRound.isEmpty()) {
                    details.put("evaluationAccuracyPerRound", perRound.stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            case "ff-poe" -> {
                // The paper's local mode: modules travel to the sites; each site trains the recipe on its own
                // real images plus synthetic images of the classes it lacks, sampled from the other sites'
                // modules; the server multiplies the site classifiers' probabilities (sums their log-softmax).
                ModuleKind kind = ModuleKind.fromWireName(config.poeKind());
                FactoryMethod ff = new FactoryMethod(config, kind);
                FactoryMethod.SiteModules trained = ff.trainModules(data.train(), partition, seed, label, progress,
                        moduleCost(kind));
                List<byte[]> classifiers = new ArrayList<>();
                long[] moduleBytesDown = new long[sites.size()];
                long[] classifierBytesUp = new long[sites.size()];
                double synthSeconds = 0;
                double classifierSeconds = 0;
                double[] siteClassifierSeconds = new double[sites.size()];
                for (int s = 0; s < sites.size(); s++) {
                    String siteId = partition.site(s).siteId();
                    java.util.Set<Integer> held = new java.util.HashSet<>();
                    for (int c : partition.site(s).classes()) held.add(c);
                    List<io.fedfactory.generative.TrainedModule> others = new ArrayList<>();
                    for (io.fedfactory.generative.TrainedModule m : trained.modules().values()) {
                        if (trained.siteOf().get(m.id()).equals(siteId)) continue;
                        if (held.contains(m.manifest().classes().get(0).index())) continue;
                        others.add(m);
                        moduleBytesDown[s] += m.onnx().length;
                    }
                    progress.startPhase(label + " " + siteId + " local classifier", classifierCost(
                            sites.get(s).size() + config.poePerClass() * (data.train().numClasses() - held.size())));
                    long t0 = System.nanoTime();
                    Dataset local = sites.get(s);
                    if (!others.isEmpty()) {
                        Dataset synthetic = ff.synthesize(data.train(), others, config.poePerClass(), seed,
                                "poe/" + siteId, io.fedfactory.synthesis.EvenSplitPlanner.UncoveredClasses.SKIP,
                                outDir.resolve("work"), "poe-" + siteId + "-seed" + seed, progress);
                        local = io.fedfactory.data.Datasets.concat(siteId + "-real-and-synthetic", List.of(local, synthetic));
                    }
                    synthSeconds += (System.nanoTime() - t0) / 1e9;
                    TrainedClassifier site = new ClassifierTrainer(ffRecipe(recipe).withSeed(SplitMix64.derive(recipe.seed(), "poe", siteId)))
                            .train(local, listener());
                    if (site.recipe().inputBlur() > 0) details.put("inputBlurSigma", (double) site.recipe().inputBlur());
                    siteClassifierSeconds[s] = seconds(site.wallTime());
                    classifierSeconds += siteClassifierSeconds[s];
                    byte[] onnx = site.toOnnx();
                    classifierBytesUp[s] = onnx.length;
                    classifiers.add(onnx);
                    progress.endPhase(local.size() + " images, " + Progress.format(siteClassifierSeconds[s]));
                }
                phases.put("moduleTraining", trained.trainSeconds());
                phases.put("synthesis", synthSeconds);
                phases.put("classifierTraining", classifierSeconds);
                progress.startPhase(label + " evaluation", data.eval().size() / EVAL_IPS * sites.size());
                long t = System.nanoTime();
                ClassificationReport report = ClassificationReport.evaluate(data.eval().labels(),
                        ProductOfExperts.combine(classifiers, data.eval(), config.threads()), data.eval().labelNames());
                phases.put("evaluation", (System.nanoTime() - t) / 1e9);
                progress.endPhase(String.format(Locale.ROOT, "accuracy %.4f", report.accuracy()));
                bytes = new long[sites.size()];
                for (int s = 0; s < sites.size(); s++) bytes[s] = trained.bytesPerSite()[s] + moduleBytesDown[s] + classifierBytesUp[s];
                details.put("modules", trained.modules().size());
                details.put("moduleSecondsPerSite", trained.secondsPerSite());
                details.put("classifierSecondsPerSite", siteClassifierSeconds);
                details.put("syntheticPerMissingClass", config.poePerClass());
                details.put("moduleBytesUpPerSite", trained.bytesPerSite());
                details.put("moduleBytesDownPerSite", moduleBytesDown);
                details.put("classifierBytesUpPerSite", classifierBytesUp);
                details.put("bytesCounted", "site's modules up once, the other sites' modules down once, its classifier up once");
                return new MethodRun(method, seed, report, bytes, phases, details);
            }
            default -> {
                java.util.OptionalDouble epsilon = ExperimentConfig.targetEpsilon(method);
                FactoryMethod ff = method.equals(ENSEMBLE) ? FactoryMethod.ensemble(config)
                        : new FactoryMethod(config, kindOf(method), epsilon.isPresent() ? epsilon.getAsDouble() : null);
                double dpFactor = epsilon.isPresent() ? DP_SGD_COST_RATIO : 1;
                List<ModuleKind> kinds = kindsOf(method);
                FactoryMethod.Outcome o = ff.run(data.train(), partition, seed, label, outDir.resolve("work"), progress,
                        moduleCost(kinds) * dpFactor, synthCost(kinds));
                if (firstSeed) {
                    new SampleGrid(o.synthetic().spec(), o.synthetic().labelNames(), firstImages(o.synthetic()), 3)
                            .writePng(outDir.resolve("samples-" + method.substring("ff-".length()) + ".png"));
                }
                if (!o.privacy().isEmpty()) details.put("privacy", o.privacy());
                phases.put("moduleTraining", o.trainSeconds());
                phases.put("synthesis", o.synthSeconds());
                progress.startPhase(label + " classifier on synthetic", classifierCost(o.synthetic().size()));
                model = new ClassifierTrainer(ffRecipe(recipe)).train(o.synthetic(), listener());
                if (model.recipe().inputBlur() > 0) details.put("inputBlurSigma", (double) model.recipe().inputBlur());
                phases.put("classifierTraining", seconds(model.wallTime()));
                progress.endPhase("done in " + Progress.format(phases.get("classifierTraining")));
                bytes = o.bytesSentPerSite();
                details.put("modules", o.modules());
                details.put("moduleSecondsPerSite", o.secondsPerSite());
                if (!o.skipped().isEmpty()) details.put("skippedModules", o.skipped());
                details.put("syntheticPerClass", ff.perClass());
                details.put("syntheticImages", o.synthetic().size());
                details.put("bytesCounted", "ONNX bytes of the site's modules, sent once");
            }
        }
        progress.startPhase(label + " evaluation", data.eval().size() / EVAL_IPS);
        long t = System.nanoTime();
        ClassificationReport report = evaluate(model);
        phases.put("evaluation", (System.nanoTime() - t) / 1e9);
        progress.endPhase(String.format(Locale.ROOT, "accuracy %.4f", report.accuracy()));
        details.put("classifierWeightsSha256", model.weightHash());
        return new MethodRun(method, seed, report, bytes, phases, details);
    }

    /**
     * The recipe of a classifier that learns from synthetic images (server mode's global classifier, local
     * mode's site classifiers): with {@code ff.inputBlur} it trains on blurred images and its ONNX graph
     * blurs every image it is asked about, the evaluation's real images included.
     */
    private ClassifierRecipe ffRecipe(ClassifierRecipe recipe) {
        return config.ffInputBlur() > 0 ? recipe.withInputBlur((float) config.ffInputBlur()) : recipe;
    }

    private ClassifierRecipe recipe(long seed) {
        return recipe(config, seed);
    }

    /** The recipe every method trains with under experiment seed {@code seed}. */
    static ClassifierRecipe recipe(ExperimentConfig config, long seed) {
        ClassifierRecipe base = config.recipe().equals("standard") ? ClassifierRecipe.standard() : ClassifierRecipe.quick();
        if (config.classifierEpochs() > 0) base = base.withEpochs(config.classifierEpochs());
        if (config.classifierAugmentation().equals("none")) base = base.withAugmentation(Augmentation.none());
        if (config.classifierAugmentation().equals("crop")) base = base.withAugmentation(new Augmentation(2, false));
        if (config.classifierAugmentation().equals("crop-flip")) base = base.withAugmentation(Augmentation.cropAndFlip(2));
        return base.withThreads(config.threads()).withSeed(SplitMix64.derive(seed, "classifier"));
    }

    private PartitionScheme scheme() {
        return switch (config.split()) {
            case "silo" -> new SiloScheme(config.sites());
            case "k-classes" -> new ClassesPerSiteScheme(config.sites(), config.classesPerSite());
            default -> new DirichletScheme(config.sites(), config.dirichletAlpha());
        };
    }

    /** {@code model}, exported to ONNX, on the evaluation split. */
    private ClassificationReport evaluate(TrainedClassifier model) {
        try (OnnxClassifier onnx = OnnxClassifier.load(model.toOnnx(), config.threads())) {
            return ClassificationReport.evaluate(data.eval().labels(), onnx.predict(data.eval()), data.eval().labelNames());
        }
    }

    private TrainingListener listener() {
        return p -> progress.update(p.fraction(), String.format(Locale.ROOT, "epoch/round %d/%d step %d/%d",
                p.epoch(), p.epochs(), p.step(), p.steps()));
    }

    private List<List<float[]>> firstImages(Dataset d) {
        List<List<float[]>> rows = new ArrayList<>();
        for (int c = 0; c < d.numClasses(); c++) rows.add(new ArrayList<>());
        for (int i = 0; i < d.size(); i++) {
            List<float[]> row = rows.get(d.label(i));
            if (row.size() < config.gridPerClass()) row.add(d.image(i));
        }
        return rows;
    }

    private double totalCost() {
        double perSeed = 0;
        for (String m : config.methods()) {
            perSeed += data.eval().size() / EVAL_IPS;
            switch (m) {
                case "centralized" -> perSeed += classifierCost(data.train().size());
                case "fedavg", "fedprox" -> perSeed += fedCost();
                case "ff-poe" -> {
                    ModuleKind k = ModuleKind.fromWireName(config.poeKind());
                    int images = data.train().size() + config.poePerClass() * data.train().numClasses()
                            * (data.train().numClasses() - 1);
                    perSeed += moduleCost(k) + classifierCost(images);
                }
                default -> {
                    List<ModuleKind> k = kindsOf(m);
                    int perClass = FactoryMethod.perClass(config, k);
                    double dpFactor = ExperimentConfig.targetEpsilon(m).isPresent() ? DP_SGD_COST_RATIO : 1;
                    perSeed += moduleCost(k) * dpFactor + synthCost(k) + classifierCost(perClass * data.train().numClasses());
                }
            }
        }
        return perSeed * config.seeds().size();
    }

    private int epochs() {
        return config.classifierEpochs() > 0 ? config.classifierEpochs() : recipe(0).epochs();
    }

    private double classifierCost(int images) {
        return (double) images * epochs() / CLASSIFIER_IPS;
    }

    private double fedCost() {
        return (double) data.train().size() * config.fedRounds() * config.fedLocalEpochs() / CLASSIFIER_IPS;
    }

    /**
     * Every method's networks can be built for the data's images: a misfit (the diffusion UNet needs a height
     * and width that are multiples of 4, as does the convolutional autoencoder) stops the experiment before
     * anything is trained, naming the method and the way out. The classifier and the MLP autoencoder take
     * any size and 1 or 3 channels.
     */
    static void checkShapes(ExperimentConfig config, io.fedfactory.data.ImageSpec spec) {
        for (String m : config.methods()) {
            List<ModuleKind> kinds = m.equals("ff-poe") ? List.of(ModuleKind.fromWireName(config.poeKind()))
                    : m.startsWith("ff-") ? kindsOf(m) : List.of();
            for (ModuleKind kind : kinds) {
                try {
                    if (kind == ModuleKind.DIFFUSION) {
                        new io.fedfactory.generative.diffusion.UNet(spec, config.diffusionWidth(), 0.5);
                    } else {
                        var layers = config.decoderLayers();
                        new io.fedfactory.generative.decoder.Vae(spec, config.decoderHidden(), config.decoderLatent(),
                                io.fedfactory.generative.decoder.Vae.Architecture.parse("decoder.architecture", layers.architecture()),
                                layers.convWidth(), 0);
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("method " + m + " cannot be built for images of " + spec + ": "
                            + e.getMessage() + "; resize the images (dataset.imageSpec=CxHxW and dataset.sizePolicy=resize) "
                            + "or leave " + m + " out of methods");
                }
            }
        }
    }

    /** The method whose sites train a module of each of {@link FactoryMethod#ENSEMBLE_KINDS} per class. */
    static final String ENSEMBLE = "ff-ensemble";

    /** The module kind a single-kind FederatedFactory method name stands for. */
    static ModuleKind kindOf(String method) {
        return ModuleKind.fromWireName(ExperimentConfig.baseMethod(method).substring("ff-".length()));
    }

    /** The module kinds a server-mode FederatedFactory method trains at every site. */
    static List<ModuleKind> kindsOf(String method) {
        return method.equals(ENSEMBLE) ? FactoryMethod.ENSEMBLE_KINDS : List.of(kindOf(method));
    }

    private double moduleCost(List<ModuleKind> kinds) {
        double cost = 0;
        for (ModuleKind k : kinds) cost += moduleCost(k);
        return cost;
    }

    /** The ensemble samples its budget from both kinds; the latent kind's sampler steps dominate. */
    private double synthCost(List<ModuleKind> kinds) {
        return kinds.size() == 1 ? synthCost(kinds.get(0)) : synthCost(ModuleKind.LATENT_DIFFUSION);
    }

    private double moduleCost(ModuleKind k) {
        int classes = data.train().numClasses();
        if (k == ModuleKind.DECODER) return (double) data.train().size() * config.decoderEpochs() / DECODER_TRAIN_IPS;
        if (k == ModuleKind.LATENT_DIFFUSION) {
            return (double) data.train().size() * config.decoderEpochs() / DECODER_TRAIN_IPS
                    + (double) classes * config.latent().denoiserSteps() / LATENT_DENOISER_STEPS_PER_SECOND;
        }
        double ips = DIFFUSION_TRAIN_IPS_WIDTH8 * 8.0 / config.diffusionWidth();
        return (double) classes * config.diffusionSteps() * config.diffusionBatch() / ips;
    }

    private double synthCost(ModuleKind k) {
        int classes = data.train().numClasses();
        if (k == ModuleKind.DECODER) return (double) classes * config.decoderPerClass() / DECODER_SAMPLE_IPS;
        if (k == ModuleKind.LATENT_DIFFUSION) {
            return (double) classes * config.latent().perClass() * config.latent().samplerSteps() / LATENT_SAMPLE_STEPS_PER_SECOND;
        }
        return (double) classes * config.diffusionPerClass() * config.samplerSteps() / 18.0 / DIFFUSION_SAMPLE_IPS_18_STEPS;
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }
}
