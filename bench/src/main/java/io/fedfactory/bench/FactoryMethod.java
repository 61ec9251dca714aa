package io.fedfactory.bench;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.GenerativeModuleTrainer;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.diffusion.DiffusionTrainer;
import io.fedfactory.generative.diffusion.DiffusionTrainingConfig;
import io.fedfactory.generative.latent.LatentDiffusionTrainer;
import io.fedfactory.generative.latent.LatentDiffusionTrainingConfig;
import io.fedfactory.data.HoldOut;
import io.fedfactory.partition.Partition;
import io.fedfactory.privacy.DpGuarantee;
import io.fedfactory.privacy.DpSgdConfig;
import io.fedfactory.privacy.MembershipAttack;
import io.fedfactory.privacy.MemorizationAudit;
import io.fedfactory.privacy.MemorizationReport;
import io.fedfactory.synthesis.EvenSplitPlanner;
import io.fedfactory.synthesis.SynthesisPlan;
import io.fedfactory.synthesis.SynthesisResult;
import io.fedfactory.synthesis.Synthesizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The FederatedFactory pipeline up to the synthetic dataset: each site trains one module per class it
 * holds on its own images only; the server plans a class-balanced synthesis over all modules and
 * samples it with ONNX Runtime. What each site sends is the ONNX bytes of its modules, once.
 *
 * <p>The ensemble ({@code ff-ensemble}) trains a module of each of two kinds (decoder and latent diffusion) per
 * class at every site, each from the seed the single-kind method gives it, so its modules are exactly the
 * union of {@code ff-decoder}'s and {@code ff-latent-diffusion}'s; the plan splits each class's budget evenly
 * over them, as the aggregator does for any class that several modules cover.
 *
 * <p>With {@code privacy.audit} each site first holds out a seeded share of every class, trains on the
 * rest, and audits and attacks each module against the two; with a target epsilon every module trains
 * under DP-SGD with the noise calibrated for that epsilon.
 */
final class FactoryMethod {

    /** The synthetic dataset with what it cost. */
    record Outcome(Dataset synthetic, long[] bytesSentPerSite, int modules, double trainSeconds, double synthSeconds,
                   double[] secondsPerSite, List<String> skipped, List<Map<String, Object>> privacy) {}

    private final ExperimentConfig config;
    /** The kinds every site trains a module of, for each class it holds: one, or the ensemble's two. */
    private final List<ModuleKind> kinds;
    /** DP-SGD's target epsilon for every module; null: plain training. */
    private final Double targetEpsilon;

    FactoryMethod(ExperimentConfig config, ModuleKind kind) {
        this(config, kind, null);
    }

    FactoryMethod(ExperimentConfig config, ModuleKind kind, Double targetEpsilon) {
        this(config, List.of(kind), targetEpsilon);
        if (targetEpsilon != null && kind != ModuleKind.DECODER) {
            throw new IllegalArgumentException("DP-SGD methods are built for decoder modules, not " + kind.wireName());
        }
    }

    private FactoryMethod(ExperimentConfig config, List<ModuleKind> kinds, Double targetEpsilon) {
        this.config = config;
        this.kinds = List.copyOf(kinds);
        this.targetEpsilon = targetEpsilon;
    }

    /** The kinds of {@code ff-ensemble}: every site trains a decoder and a latent-diffusion module per class. */
    static final List<ModuleKind> ENSEMBLE_KINDS = List.of(ModuleKind.DECODER, ModuleKind.LATENT_DIFFUSION);

    /** {@code ff-ensemble}'s pipeline. */
    static FactoryMethod ensemble(ExperimentConfig config) {
        return new FactoryMethod(config, ENSEMBLE_KINDS, null);
    }

    /** The method's name after {@code ff-}: its kind's wire name, or {@code ensemble}. */
    String name() {
        return kinds.size() == 1 ? kinds.get(0).wireName() : "ensemble";
    }

    int perClass() {
        return perClass(config, kinds);
    }

    /**
     * Synthetic samples per class of a method training {@code kinds}; the ensemble's is the latent kind's
     * ({@code synthesis.latentPerClass}), split over its two modules of the class.
     */
    static int perClass(ExperimentConfig config, List<ModuleKind> kinds) {
        return kinds.size() == 1 ? perClass(config, kinds.get(0)) : config.latent().perClass();
    }

    /** Synthetic samples per class from modules of {@code kind}. */
    static int perClass(ExperimentConfig config, ModuleKind kind) {
        return switch (kind) {
            case DECODER -> config.decoderPerClass();
            case DIFFUSION -> config.diffusionPerClass();
            case LATENT_DIFFUSION -> config.latent().perClass();
        };
    }

    /** Every site's modules, by module id in training order, with what training them cost. */
    record SiteModules(Map<String, TrainedModule> modules, Map<String, String> siteOf, long[] bytesPerSite,
                       double trainSeconds, double[] secondsPerSite, List<String> skipped,
                       List<Map<String, Object>> privacy) {}

    Outcome run(Dataset train, Partition partition, long seed, String label, Path workDir, Progress progress,
                double trainCost, double synthCost) throws IOException {
        SiteModules trained = trainModules(train, partition, seed, label, progress, trainCost);
        progress.startPhase(label + " synthesis", synthCost);
        long t1 = System.nanoTime();
        Dataset synthetic = synthesize(train, trained.modules().values(), perClass(), seed, "synthesis/" + name(),
                EvenSplitPlanner.UncoveredClasses.FAIL, workDir, "synthetic-" + name() + "-seed" + seed, progress);
        double synthSeconds = (System.nanoTime() - t1) / 1e9;
        progress.endPhase(synthetic.size() + " samples, " + Progress.format(synthSeconds));
        return new Outcome(synthetic, trained.bytesPerSite(), trained.modules().size(), trained.trainSeconds(), synthSeconds,
                trained.secondsPerSite(), trained.skipped(), trained.privacy());
    }

    SiteModules trainModules(Dataset train, Partition partition, long seed, String label, Progress progress,
                             double trainCost) {
        progress.startPhase(label + " modules", trainCost);
        long t0 = System.nanoTime();
        List<Dataset> sites = partition.siteDatasets(train);
        long[] bytes = new long[sites.size()];
        Map<String, TrainedModule> modules = new LinkedHashMap<>();
        Map<String, String> siteOf = new LinkedHashMap<>();
        double[] siteSeconds = new double[sites.size()];
        List<String> skipped = new ArrayList<>();
        List<Map<String, Object>> privacy = new ArrayList<>();
        double auditSeconds = 0;
        // A site trains a module only for a class it holds enough images of; the class is left to the
        // sites that do (a Dirichlet split gives some sites a handful of images of a class).
        List<List<Integer>> trained = new ArrayList<>();
        int total = 0;
        for (int s = 0; s < sites.size(); s++) {
            int[] counts = sites.get(s).classCounts();
            List<Integer> classes = new ArrayList<>();
            for (int c : partition.site(s).classes()) {
                if (counts[c] >= config.minImagesPerModule()) {
                    classes.add(c);
                } else if (counts[c] > 0) {
                    skipped.add(partition.site(s).siteId() + " class " + c + ": " + counts[c] + " images < modules.minImages "
                            + config.minImagesPerModule());
                }
            }
            trained.add(classes);
            total += classes.size() * kinds.size();
        }
        if (!skipped.isEmpty()) progress.note(label + ": no module for " + skipped.size() + " small site classes: " + skipped);
        int done = 0;
        for (int s = 0; s < sites.size(); s++) {
            String siteId = partition.site(s).siteId();
            long siteStart = System.nanoTime();
            for (int c : trained.get(s)) {
                // The class's images (and its audit hold-out) are the same for every kind trained on them.
                Dataset wholeClass = Datasets.filterClasses(sites.get(s), siteId + "-class" + c, c);
                Dataset oneClass = wholeClass;
                Dataset heldOut = null;
                if (config.privacy().audit()) {
                    HoldOut h = HoldOut.split(wholeClass.size(), config.privacy().holdOut(),
                            SplitMix64.derive(seed, "audit-hold-out", siteId, c));
                    oneClass = wholeClass.subset(wholeClass.name() + "/training", h.training());
                    heldOut = wholeClass.subset(wholeClass.name() + "/held-out", h.heldOut());
                }
                Dataset trainOn = oneClass;
                for (ModuleKind kind : kinds) {
                    long moduleSeed = SplitMix64.derive(seed, "module/" + kind.wireName() + "/" + siteId + "/" + c);
                    GenerativeModuleTrainer trainer = trainer(kind, moduleSeed, trainOn.size());
                    long steps = steps(kind, trainOn.size());
                    final int index = done;
                    final int count = total;
                    TrainedModule m = DeterministicTorch.call(config.threads(), moduleSeed,
                            () -> trainer.train(trainOn, siteId, (step, loss) -> progress.update(
                                    (index + (step + 1.0) / steps) / count,
                                    String.format(java.util.Locale.ROOT, "module %d/%d (%s, class %d) step %d/%d loss %.4f",
                                            index + 1, count, siteId, c, step + 1, steps, loss))));
                    modules.put(m.id(), m);
                    siteOf.put(m.id(), siteId);
                    bytes[s] += m.onnx().length;
                    done++;
                    if (heldOut != null) {
                        long a0 = System.nanoTime();
                        privacy.add(audit(m, siteId, c, trainOn, heldOut, moduleSeed));
                        auditSeconds += (System.nanoTime() - a0) / 1e9;
                    }
                }
            }
            siteSeconds[s] = (System.nanoTime() - siteStart) / 1e9;
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9 - auditSeconds;
        progress.endPhase(modules.size() + " modules, " + Progress.format(trainSeconds)
                + (privacy.isEmpty() ? "" : ", audits " + Progress.format(auditSeconds)));
        return new SiteModules(modules, siteOf, bytes, trainSeconds, siteSeconds, skipped, privacy);
    }

    /** The module's memorization audit and membership attack, and its DP guarantee if any, as result facts. */
    private Map<String, Object> audit(TrainedModule m, String siteId, int c, Dataset training, Dataset heldOut,
                                      long moduleSeed) {
        MemorizationReport r;
        MembershipAttack.Result a;
        try (ModuleSampler sampler = ModuleSampler.open(m.onnx(), m.manifest(),
                SamplingOptions.defaults().withThreads(config.threads()))) {
            r = MemorizationAudit.defaults(SplitMix64.derive(moduleSeed, "audit"))
                    .withSamples(config.privacy().auditSamples())
                    .run(sampler::sample, training.pixelsView(), heldOut.pixelsView(), training.spec()).report();
            a = new MembershipAttack(config.privacy().attackSamples(), SplitMix64.derive(moduleSeed, "attack"))
                    .run(sampler::sample, training.pixelsView(), heldOut.pixelsView(), training.spec());
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("site", siteId);
        f.put("class", c);
        f.put("trainingImages", r.trainingImages());
        f.put("heldOutImages", r.heldOutImages());
        DpGuarantee.fromProvenance(m.manifest().provenance().hyperparameters()).ifPresent(g -> {
            f.put("epsilon", g.epsilon());
            f.put("delta", g.delta());
            f.put("noiseMultiplier", g.noiseMultiplier());
        });
        f.put("pixelCopyRate", r.pixel().copyRate());
        f.put("featureCopyRate", r.feature().copyRate());
        f.put("pixelZu", r.pixel().test().zu());
        f.put("featureZu", r.feature().test().zu());
        f.put("nearerTrainingShare", r.pixel().nearerTrainingShare());
        f.put("featureNearerTrainingShare", r.feature().nearerTrainingShare());
        f.put("flagged", r.flagged());
        f.put("attackAuc", a.auc());
        f.put("auditSeconds", r.wallSeconds() + a.wallSeconds());
        return f;
    }

    /**
     * A class-balanced synthetic dataset of {@code perClass} images for every class {@code modules} cover
     * (a class no module covers fails the plan or is left out, as {@code uncovered} says), sampled with ONNX Runtime from seed (experiment seed, purpose).
     */
    Dataset synthesize(Dataset train, java.util.Collection<TrainedModule> modules, int perClass, long seed, String purpose,
                       EvenSplitPlanner.UncoveredClasses uncovered, Path workDir, String name, Progress progress)
            throws IOException {
        Map<String, TrainedModule> byId = new LinkedHashMap<>();
        List<ModuleManifest> manifests = new ArrayList<>();
        for (TrainedModule m : modules) {
            byId.put(m.id(), m);
            manifests.add(m.manifest());
        }
        SynthesisPlan plan = new EvenSplitPlanner(uncovered).plan(train.labelNames(), train.spec(), perClass, SplitMix64.derive(seed, purpose), manifests);
        SamplingOptions options = SamplingOptions.defaults().withThreads(config.threads())
                .withDiffusionSteps(kinds.contains(ModuleKind.DIFFUSION) ? config.samplerSteps()
                        : kinds.contains(ModuleKind.LATENT_DIFFUSION) ? config.latent().samplerSteps() : 0);
        Path shards = workDir.resolve(name);
        SynthesisResult result = new Synthesizer(options).synthesize(plan, id -> byId.get(id).onnx(), shards,
                p -> progress.update(p.done() / (double) Math.max(1, p.total()), "sampled " + p.done() + "/" + p.total()));
        Dataset synthetic = result.load(name);
        deleteTree(shards);
        return synthetic;
    }

    private GenerativeModuleTrainer trainer(ModuleKind kind, long moduleSeed, int images) {
        if (targetEpsilon != null) {
            // The private decoder samples the standard-normal prior: a fitted one would read the images outside DP-SGD.
            DpSgdConfig dp = DpSgdConfig.forEpsilon(targetEpsilon, config.privacy().dpClip(), config.privacy().dpMicrobatch(),
                    config.privacy().dpDelta(), Math.min(1.0, 64.0 / images), steps(kind, images));
            return new DecoderTrainer(config.decoderLayers().applyTo(new DecoderTrainingConfig(config.decoderHidden(),
                    config.decoderLatent(), config.decoderEpochs(), 64, 1e-3f, moduleSeed, config.threads())
                    .withKlWeight(config.decoderKlWeight())), dp);
        }
        if (kind == ModuleKind.DECODER) {
            return new DecoderTrainer(config.decoderLayers().applyTo(new DecoderTrainingConfig(config.decoderHidden(),
                    config.decoderLatent(), config.decoderEpochs(), 64, 1e-3f, moduleSeed, config.threads(),
                    config.decoderKlWeight(), config.decoderFittedPrior(), config.decoderPriorTemperature())));
        }
        if (kind == ModuleKind.LATENT_DIFFUSION) {
            ExperimentConfig.LatentSettings l = config.latent();
            DecoderTrainingConfig autoencoder = l.applyTo(new DecoderTrainingConfig(
                    config.decoderHidden(), l.latentDim(), config.decoderEpochs(), 64, 1e-3f, moduleSeed,
                    config.threads()).withKlWeight(l.klWeight()));
            LatentDiffusionTrainingConfig c = LatentDiffusionTrainingConfig.defaults(autoencoder)
                    .withDenoiser(l.denoiserWidth(), l.denoiserBlocks(), l.denoiserSteps());
            return new LatentDiffusionTrainer(c.withSampling(c.sampling().withHeunSteps(l.samplerSteps())));
        }
        DiffusionTrainingConfig d = DiffusionTrainingConfig.defaults(config.diffusionSteps(), moduleSeed)
                .withWidth(config.diffusionWidth()).withBatchSize(config.diffusionBatch());
        return new DiffusionTrainer(new DiffusionTrainingConfig(d.width(), d.steps(), d.batchSize(), d.learningRate(),
                d.pMean(), d.pStd(), d.sampling().withSteps(config.samplerSteps()), moduleSeed, config.threads()));
    }

    private long steps(ModuleKind kind, int images) {
        if (kind == ModuleKind.DECODER) return (long) ((images + 63) / 64) * config.decoderEpochs();
        if (kind == ModuleKind.LATENT_DIFFUSION) {
            return (long) ((images + 63) / 64) * config.decoderEpochs() + config.latent().denoiserSteps();
        }
        return config.diffusionSteps();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
