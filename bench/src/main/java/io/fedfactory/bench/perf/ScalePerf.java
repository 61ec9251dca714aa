package io.fedfactory.bench.perf;

import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.data.Dataset;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.decoder.Vae;
import io.fedfactory.perf.PerfPart;
import io.fedfactory.synthesis.EvenSplitPlanner;
import io.fedfactory.synthesis.SynthesisPlan;
import io.fedfactory.synthesis.SynthesisResult;
import io.fedfactory.synthesis.Synthesizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The aggregator's scale curve of {@code bench/perf}: synthesis, shard loading and global-classifier
 * training time against the number of modules (10, 100, 1,000) and classes (10, 100), through the real
 * planner, {@link Synthesizer} and {@link ClassifierTrainer}, as the aggregator's training pipeline calls
 * them. The total sample budget is fixed, so the curve shows what each extra module costs, not more data.
 */
final class ScalePerf {

    /** Samples synthesized (and trained on, one epoch) at every point: 40 steps of the quick recipe's batch. */
    static final int TOTAL_SAMPLES = 5120;
    static final List<Integer> MODULES = List.of(10, 100, 1000);
    static final List<Integer> CLASSES = List.of(10, 100);
    static final int HIDDEN = 32;
    static final int LATENT = 8;

    private final int rounds;
    private final Path work;
    private final List<Integer> moduleCounts;
    private final List<Integer> classCounts;

    ScalePerf(int rounds, Path work, List<Integer> moduleCounts, List<Integer> classCounts) {
        this.rounds = rounds;
        this.work = work;
        this.moduleCounts = List.copyOf(moduleCounts);
        this.classCounts = List.copyOf(classCounts);
    }

    /** The (classes, modules) points measured: a class needs at least one module of its own. */
    static List<int[]> points(List<Integer> moduleCounts, List<Integer> classCounts) {
        List<int[]> points = new ArrayList<>();
        for (int classes : classCounts) {
            for (int modules : moduleCounts) {
                if (modules >= classes) points.add(new int[] {classes, modules});
            }
        }
        return points;
    }

    void measure(PerfPart part) throws IOException {
        ClassifierRecipe recipe = ClassifierRecipe.quick().withEpochs(1);
        SamplingOptions options = SamplingOptions.defaults().withSamplers(Runtime.getRuntime().availableProcessors());
        part.setting("modules", "tiny decoders (VAE decoder hidden " + HIDDEN + ", latent " + LATENT
                + ", weights as initialized, one seed each), one class each, round-robin over the classes; read from "
                + "files as the aggregator reads its module store");
        part.setting("budget", "a fixed total of " + TOTAL_SAMPLES + " samples at every point (per-class budget "
                + TOTAL_SAMPLES + " / classes), split evenly over each class's modules by the aggregator's planner; "
                + "so 1,000 modules make 5 samples each");
        part.setting("synthesis", "the Synthesizer with the aggregator's defaults (" + options.samplers()
                + " sampler threads, decoder batch " + options.decoderBatchSize() + "): per module the hash check, "
                + "contract, ONNX Runtime session, sampling and one shard file with its SHA-256 and fsync");
        part.setting("loading", "SynthesisResult.load: every shard read back into one dataset");
        part.setting("training", "ClassifierTrainer, quick recipe (ResNet-8 width " + recipe.baseWidth() + "), batch "
                + recipe.batchSize() + ", " + recipe.threads() + " threads, 1 epoch of the synthesized samples ("
                + TOTAL_SAMPLES / recipe.batchSize() + " steps)");
        part.setting("rounds", rounds + " per point after one warm-up at the smallest point; the median is plotted");
        Path modulesDir = Files.createDirectories(work.resolve("scale-modules"));
        warmUp(recipe, options, modulesDir);
        for (int[] p : points(moduleCounts, classCounts)) {
            int classes = p[0];
            int modules = p[1];
            List<ModuleManifest> manifests = writeModules(modulesDir, classes, modules);
            double[] synth = new double[rounds];
            double[] load = new double[rounds];
            double[] train = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double[] t = once(recipe, options, modulesDir, manifests, classes, "r" + r);
                synth[r] = t[0];
                load[r] = t[1];
                train[r] = t[2];
            }
            String suffix = ", " + classes + " classes";
            part.point("time", "synthesis" + suffix, "modules", modules, "s", synth);
            part.point("time", "shard loading" + suffix, "modules", modules, "s", load);
            part.point("time", "training" + suffix, "modules", modules, "s", train);
            System.out.printf("scale: %d classes, %d modules: synthesis %.2f s, loading %.2f s, training %.2f s "
                            + "(medians of %d; load average %s)%n", classes, modules, PerfPart.median(synth),
                    PerfPart.median(load), PerfPart.median(train), rounds, PerfPart.loadAverage());
            EnginePerf.deleteTree(modulesDir);
            Files.createDirectories(modulesDir);
        }
        EnginePerf.deleteTree(modulesDir);
    }

    private void warmUp(ClassifierRecipe recipe, SamplingOptions options, Path modulesDir) throws IOException {
        int classes = classCounts.get(0);
        once(recipe, options, modulesDir, writeModules(modulesDir, classes, classes), classes, "warm-up");
        EnginePerf.deleteTree(modulesDir);
        Files.createDirectories(modulesDir);
    }

    /** Seconds of synthesis, shard loading and training for one federation of {@code manifests}. */
    private double[] once(ClassifierRecipe recipe, SamplingOptions options, Path modulesDir, List<ModuleManifest> manifests,
                          int classes, String round) throws IOException {
        List<String> labels = IntStream.range(0, classes).mapToObj(c -> "c" + c).toList();
        SynthesisPlan plan = new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.SKIP)
                .plan(labels, EnginePerf.SPEC, TOTAL_SAMPLES / classes, 7, manifests);
        Path shards = work.resolve("scale-shards-" + round);
        EnginePerf.deleteTree(shards);
        long t0 = System.nanoTime();
        SynthesisResult result = new Synthesizer(options).synthesize(plan,
                id -> Files.readAllBytes(modulesDir.resolve(id + ".onnx")), shards, progress -> { });
        long t1 = System.nanoTime();
        Dataset data = result.load("scale");
        long t2 = System.nanoTime();
        new ClassifierTrainer(recipe).train(data);
        long t3 = System.nanoTime();
        EnginePerf.deleteTree(shards);
        return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9};
    }

    /** {@code modules} tiny decoders, module i covering class i mod {@code classes}, written as {@code <id>.onnx}. */
    private static List<ModuleManifest> writeModules(Path dir, int classes, int modules) throws IOException {
        Vae vae = new Vae(EnginePerf.SPEC, HIDDEN, LATENT);
        List<ModuleManifest> manifests = new ArrayList<>();
        for (int i = 0; i < modules; i++) {
            EnginePerf.Module m = EnginePerf.decoder(vae, LATENT, i + 1, i % classes, "c" + (i % classes));
            Files.write(dir.resolve(m.manifest().moduleId() + ".onnx"), m.onnx());
            manifests.add(m.manifest());
        }
        return manifests;
    }
}
