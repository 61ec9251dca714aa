package io.fedfactory.bench;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.Datasets;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.GenerativeModuleTrainer;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.diffusion.DiffusionTrainer;
import io.fedfactory.generative.diffusion.DiffusionTrainingConfig;
import io.fedfactory.partition.Partition;
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
 */
final class FactoryMethod {

    /** The synthetic dataset with what it cost. */
    record Outcome(Dataset synthetic, long[] bytesSentPerSite, int modules, double trainSeconds, double synthSeconds) {}

    private final ExperimentConfig config;
    private final ModuleKind kind;

    FactoryMethod(ExperimentConfig config, ModuleKind kind) {
        this.config = config;
        this.kind = kind;
    }

    int perClass() {
        return kind == ModuleKind.DECODER ? config.decoderPerClass() : config.diffusionPerClass();
    }

    Outcome run(Dataset train, Partition partition, long seed, String label, Path workDir, Progress progress,
                double trainCost, double synthCost) throws IOException {
        String tag = kind.wireName();
        progress.startPhase(label + " modules", trainCost);
        long t0 = System.nanoTime();
        List<Dataset> sites = partition.siteDatasets(train);
        long[] bytes = new long[sites.size()];
        Map<String, TrainedModule> modules = new LinkedHashMap<>();
        int total = 0;
        for (int s = 0; s < sites.size(); s++) total += partition.site(s).classes().length;
        int done = 0;
        for (int s = 0; s < sites.size(); s++) {
            String siteId = partition.site(s).siteId();
            for (int c : partition.site(s).classes()) {
                Dataset oneClass = Datasets.filterClasses(sites.get(s), siteId + "-class" + c, c);
                long moduleSeed = SplitMix64.derive(seed, "module/" + tag + "/" + siteId + "/" + c);
                GenerativeModuleTrainer trainer = trainer(moduleSeed, oneClass.size());
                long steps = steps(oneClass.size());
                final int index = done;
                final int count = total;
                TrainedModule m = DeterministicTorch.call(config.threads(), moduleSeed,
                        () -> trainer.train(oneClass, siteId, (step, loss) -> progress.update(
                                (index + (step + 1.0) / steps) / count,
                                String.format(java.util.Locale.ROOT, "module %d/%d (%s, class %d) step %d/%d loss %.4f",
                                        index + 1, count, siteId, c, step + 1, steps, loss))));
                modules.put(m.id(), m);
                bytes[s] += m.onnx().length;
                done++;
            }
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        progress.endPhase(modules.size() + " modules, " + Progress.format(trainSeconds));

        progress.startPhase(label + " synthesis", synthCost);
        long t1 = System.nanoTime();
        List<ModuleManifest> manifests = new ArrayList<>();
        for (TrainedModule m : modules.values()) manifests.add(m.manifest());
        SynthesisPlan plan = new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.FAIL)
                .plan(train.labelNames(), train.spec(), perClass(), SplitMix64.derive(seed, "synthesis/" + tag), manifests);
        SamplingOptions options = SamplingOptions.defaults().withThreads(config.threads())
                .withDiffusionSteps(kind == ModuleKind.DIFFUSION ? config.samplerSteps() : 0);
        Path shards = workDir.resolve(tag + "-seed" + seed);
        SynthesisResult result = new Synthesizer(options).synthesize(plan, id -> modules.get(id).onnx(), shards,
                p -> progress.update(p.done() / (double) Math.max(1, p.total()), "sampled " + p.done() + "/" + p.total()));
        Dataset synthetic = result.load("synthetic-" + tag + "-seed" + seed);
        deleteTree(shards);
        double synthSeconds = (System.nanoTime() - t1) / 1e9;
        progress.endPhase(synthetic.size() + " samples, " + Progress.format(synthSeconds));
        return new Outcome(synthetic, bytes, modules.size(), trainSeconds, synthSeconds);
    }

    private GenerativeModuleTrainer trainer(long moduleSeed, int images) {
        if (kind == ModuleKind.DECODER) {
            return new DecoderTrainer(new DecoderTrainingConfig(config.decoderHidden(), config.decoderLatent(),
                    config.decoderEpochs(), 64, 1e-3f, moduleSeed, config.threads(), config.decoderKlWeight(),
                    config.decoderFittedPrior(), config.decoderPriorTemperature()));
        }
        DiffusionTrainingConfig d = DiffusionTrainingConfig.defaults(config.diffusionSteps(), moduleSeed)
                .withWidth(config.diffusionWidth()).withBatchSize(config.diffusionBatch());
        return new DiffusionTrainer(new DiffusionTrainingConfig(d.width(), d.steps(), d.batchSize(), d.learningRate(),
                d.pMean(), d.pStd(), d.sampling().withSteps(config.samplerSteps()), moduleSeed, config.threads()));
    }

    private long steps(int images) {
        if (kind == ModuleKind.DECODER) return (long) ((images + 63) / 64) * config.decoderEpochs();
        return config.diffusionSteps();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
