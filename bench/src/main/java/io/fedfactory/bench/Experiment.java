package io.fedfactory.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark command: runs centralized training, FedAvg/FedProx and FederatedFactory (per module
 * kind) on one split under several seeds and writes results.json, results.md and PNGs.
 */
public final class Experiment {

    static final String USAGE = """
            Usage: bench/run [--quick] [--config FILE] [--out DIR] [--seeds 1,2,3] [--help]

            Runs one experiment and writes to the output folder:
              results.json   every figure: per method and seed accuracy, balanced accuracy, macro AUROC,
                             macro F1, per-class F1, confusion matrix; mean and std over seeds; bytes
                             each site sends; wall time of every phase
              results.md     the summary table, time per phase, settings and the command
              accuracy.png   bar chart of accuracy per method with std error bars
              samples-*.png  synthetic samples per class for each module kind, and real ones
              config.properties, command.txt   what produced the folder

              --config FILE  experiment settings (Java properties; see bench/configs/*.properties
                             and bench/README.md for every key); unknown keys are errors
              --quick        the small smoke profile (bench/configs/quick.properties) unless --config is given
              --out DIR      output folder (default bench/results/<name>)
              --seeds LIST   override the config's seeds, comma-separated
              --help         this text
            """;

    private Experiment() {}

    public static void main(String[] args) throws Exception {
        int code;
        try {
            code = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    /** Runs the command; returns the exit status (0 on success). */
    static int run(String[] args, PrintStream out) throws IOException {
        Path configFile = null;
        Path outDir = null;
        boolean quick = false;
        List<Long> seeds = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--quick" -> quick = true;
                case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
                case "--out" -> outDir = Path.of(value(args, ++i, "--out"));
                case "--seeds" -> {
                    seeds = new ArrayList<>();
                    for (String s : value(args, ++i, "--seeds").split(",")) {
                        try {
                            seeds.add(Long.parseLong(s.trim()));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--seeds must be comma-separated integers, got '" + s + "'");
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'\n" + USAGE);
            }
        }
        if (configFile == null) {
            if (!quick) throw new IllegalArgumentException("give --config FILE or --quick\n" + USAGE);
            configFile = Path.of("bench/configs/quick.properties");
        }
        if (!Files.isRegularFile(configFile)) throw new IllegalArgumentException("config file " + configFile + " does not exist");
        ExperimentConfig config = ExperimentConfig.load(configFile);
        if (seeds != null) config = config.withSeeds(seeds);
        if (outDir == null) outDir = Path.of("bench/results").resolve(config.name());
        Files.createDirectories(outDir);
        String command = System.getProperty("bench.command", "io.fedfactory.bench.Experiment " + String.join(" ", args));

        StringBuilder props = new StringBuilder("# settings of this run (defaults filled in)\n");
        config.asMap().forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(outDir.resolve("config.properties"), props, StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("command.txt"), command + "\n", StandardCharsets.UTF_8);

        long started = System.nanoTime();
        out.println("experiment " + config.name() + " -> " + outDir.toAbsolutePath());
        ExperimentData data = ExperimentData.load(config);
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

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isEmpty()) Files.delete(dir);
            }
        }
    }
}
