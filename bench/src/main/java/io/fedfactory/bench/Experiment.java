package io.fedfactory.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark command: runs centralized training, FedAvg/FedProx and FederatedFactory (per module
 * kind) on one split under several seeds and writes results.json, results.md and PNGs.
 */
public final class Experiment {

    /** The command line; picocli parses it and prints its help. */
    @Command(name = "bench/run", sortOptions = false,
            description = "Runs one experiment (centralized training, FedAvg/FedProx and FederatedFactory per module "
                    + "kind, on one split under several seeds) and writes to the output folder:",
            footer = {
                    "  results.json   every figure: per method and seed accuracy, balanced accuracy, macro AUROC,",
                    "                 macro F1, per-class F1, confusion matrix; mean and std over seeds; bytes",
                    "                 each site sends; wall time of every phase",
                    "  results.md     the summary table, time per phase, settings and the command",
                    "  accuracy.png   bar chart of accuracy per method with std error bars",
                    "  samples-*.png  synthetic samples per class for each module kind, and real ones",
                    "  config.properties, command.txt   what produced the folder",
                    "",
                    "Data: dataset=fashion-mnist or mnist (bundled), or any format a site keeps its data in, read as",
                    "the client node reads it: dataset=idx|npz|cifar10|folder with dataset.path (IDX files, a MedMNIST",
                    ".npz, CIFAR-10 binary batches, an image-folder tree). Classes and image size come from the data",
                    "unless dataset.labels and dataset.imageSpec (CxHxW, with dataset.sizePolicy=resize to resize) say.",
                    "The test split is the data's own when it has one, else a seeded dataset.holdout of every class.",
                    "A refused file stops the run before training, each named with its fault.",
                    "",
                    "Augmentation (classifier.augmentation, the same for every method): none; crop (random crop,",
                    "padding 2, no flips) for digits, text, and images whose left and right differ in meaning (many",
                    "medical images: laterality, situs); crop-flip (crop and horizontal flips) only where a mirrored",
                    "image is still the same class (natural photos such as CIFAR-10).",
                    "",
                    "Exit status: 0 done, 2 bad arguments or settings."})
    static final class Options {
        @Option(names = "--config", paramLabel = "FILE", description = "Experiment settings (Java properties; see "
                + "bench/configs/*.properties and bench/README.md for every key); unknown keys are errors.")
        Path configFile;

        @Option(names = "--quick", description = "The small smoke profile (bench/configs/quick.properties) unless "
                + "--config is given.")
        boolean quick;

        @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default bench/results/<name>, or "
                + "bench/results/tuning/<name> for a config in a folder named tuning).")
        Path outDir;

        @Option(names = "--seeds", paramLabel = "LIST", split = ",",
                description = "Override the config's seeds, comma-separated.")
        List<Long> seeds;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "This text.")
        boolean help;
    }

    private Experiment() {}

    public static void main(String[] args) throws Exception {
        Commands.exit(Experiment::run, args);
    }

    /** The usage text, as {@code --help} prints it. */
    static String usage() {
        return Commands.usage(new Options());
    }

    private static Options parse(String[] args) {
        return Commands.parse(new Options(), args);
    }

    /** Where a run of {@code configFile} writes by default: validation runs of tuning/ configs beside each other. */
    static Path defaultOut(Path configFile, String name) {
        Path parent = configFile.toAbsolutePath().normalize().getParent();
        boolean tuning = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("tuning");
        return Path.of("bench/results").resolve(tuning ? Path.of("tuning", name) : Path.of(name));
    }

    /** Runs the command; returns the exit status (0 on success). */
    static int run(String[] args, PrintStream out) throws IOException {
        Options options = parse(args);
        if (options.help) {
            out.print(usage());
            return 0;
        }
        Path configFile = options.configFile;
        Path outDir = options.outDir;
        if (configFile == null) {
            if (!options.quick) throw new IllegalArgumentException("give --config FILE or --quick\n" + usage());
            configFile = Path.of("bench/configs/quick.properties");
        }
        if (!Files.isRegularFile(configFile)) throw new IllegalArgumentException("config file " + configFile + " does not exist");
        ExperimentConfig config = ExperimentConfig.load(configFile);
        if (options.seeds != null) config = config.withSeeds(options.seeds);
        if (outDir == null) outDir = defaultOut(configFile, config.name());
        Files.createDirectories(outDir);
        String command = System.getProperty("bench.command", "io.fedfactory.bench.Experiment " + String.join(" ", args));

        StringBuilder props = new StringBuilder("# settings of this run (defaults filled in)\n");
        config.asMap().forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(outDir.resolve("config.properties"), props, StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("command.txt"), command + "\n", StandardCharsets.UTF_8);

        long started = System.nanoTime();
        out.println("experiment " + config.name() + " -> " + outDir.toAbsolutePath());
        ExperimentData data = ExperimentData.load(config);
        out.println("data: " + data.source());
        for (String note : data.notes()) out.println("data: " + note);
        final Path dir = outDir;
        final ExperimentConfig cfg = config;
        // Results are rewritten after every run, so a long experiment that is stopped keeps what it finished.
        ExperimentRunner.Outcome outcome = new ExperimentRunner(config, data, outDir, out).run(soFar ->
                new ResultsWriter(cfg, data, soFar.runs(), soFar.failures(), command + "  (partial: "
                        + (soFar.runs().size() + soFar.failures().size()) + " of "
                        + cfg.methods().size() * cfg.seeds().size() + " runs so far)",
                        (System.nanoTime() - started) / 1e9).writeAll(dir));
        double wall = (System.nanoTime() - started) / 1e9;
        new ResultsWriter(config, data, outcome.runs(), outcome.failures(), command, wall).writeAll(outDir);
        deleteIfEmpty(outDir.resolve("work"));
        out.println(Files.readString(outDir.resolve("results.md"), StandardCharsets.UTF_8));
        out.println("wrote " + outDir.toAbsolutePath() + " in " + Progress.format(wall));
        return 0;
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isEmpty()) Files.delete(dir);
            }
        }
    }
}
