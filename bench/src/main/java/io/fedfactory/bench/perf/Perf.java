package io.fedfactory.bench.perf;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fedfactory.perf.PerfPart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code bench/perf}'s Java side: {@code engines} measures synthesis and training against their bare
 * engines; {@code scale} measures how the aggregator's synthesis and training grow with modules and
 * classes; {@code report} renders every part under the output folder (these, and the serving and upload
 * parts the services' benchmarks write) into {@code perf.md}, with a plot of each scale curve.
 */
@Command(name = "bench/perf", mixinStandardHelpOptions = true, subcommands = {Perf.Engines.class, Perf.Scale.class, Perf.Report.class},
        description = "Hot paths against their bare engines (bench/README.md, \"Performance\").")
public final class Perf {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Perf()).execute(args));
    }

    /** Where the parts are written and read: every subcommand's {@code --out}. */
    static final class PartsFolder {
        @Option(names = "--out", description = "folder of the parts (default ${DEFAULT-VALUE})")
        Path out = Path.of("bench/results/perf");
    }

    @Command(name = "engines", mixinStandardHelpOptions = true,
            description = "Synthesis (both module kinds) and classifier training against bare ONNX Runtime and DJL loops; "
                    + "writes synthesis.json and training.json.")
    static final class Engines implements Callable<Integer> {
        @CommandLine.Mixin
        PartsFolder folder;

        @Option(names = "--rounds", description = "alternating rounds per figure, after one warm-up (default ${DEFAULT-VALUE})")
        int rounds = 3;

        @Option(names = "--images", description = "training images per round (default ${DEFAULT-VALUE})")
        int images = 2560;

        @Option(names = "--parts", split = ",", description = "synthesis, training or both (default ${DEFAULT-VALUE})")
        List<String> parts = List.of("synthesis", "training");

        @Override
        public Integer call() throws Exception {
            if (rounds < 1) throw new CommandLine.ParameterException(new CommandLine(this), "--rounds must be at least 1");
            if (images < 256) throw new CommandLine.ParameterException(new CommandLine(this), "--images must be at least 256");
            System.setProperty(PerfPart.OUT_PROPERTY, folder.out.toString());
            Path work = Files.createDirectories(Path.of("bench", "target", "perf-work"));
            for (String p : parts) {
                if (!p.equals("synthesis") && !p.equals("training")) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--parts: unknown part '" + p
                            + "' (synthesis, training)");
                }
            }
            EnginePerf perf = new EnginePerf(rounds, work);
            if (parts.contains("synthesis")) {
                PerfPart synthesis = new PerfPart("synthesis");
                perf.synthesis(synthesis);
                System.out.println("synthesis figures: " + synthesis.write(folder.out));
            }
            if (parts.contains("training")) {
                PerfPart training = new PerfPart("training");
                perf.training(training, images);
                System.out.println("training figures: " + training.write(folder.out));
            }
            return 0;
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Synthesis, shard loading and classifier training time against the number of modules "
                    + "(10, 100, 1,000) and classes (10, 100), a fixed total sample budget; writes scale.json.")
    static final class Scale implements Callable<Integer> {
        @CommandLine.Mixin
        PartsFolder folder;

        @Option(names = "--rounds", description = "rounds per point, after one warm-up (default ${DEFAULT-VALUE})")
        int rounds = 1;

        @Option(names = "--modules", split = ",", description = "module counts (default ${DEFAULT-VALUE})")
        List<Integer> modules = ScalePerf.MODULES;

        @Option(names = "--classes", split = ",", description = "class counts, each at most "
                + ScalePerf.TOTAL_SAMPLES + " (default ${DEFAULT-VALUE})")
        List<Integer> classes = ScalePerf.CLASSES;

        @Override
        public Integer call() throws Exception {
            CommandLine cl = new CommandLine(this);
            if (rounds < 1) throw new CommandLine.ParameterException(cl, "--rounds must be at least 1");
            for (int m : modules) {
                if (m < 1 || m > 100_000) throw new CommandLine.ParameterException(cl, "--modules: each must be in [1, 100000], got " + m);
            }
            for (int c : classes) {
                if (c < 1 || c > ScalePerf.TOTAL_SAMPLES) {
                    throw new CommandLine.ParameterException(cl, "--classes: each must be in [1, " + ScalePerf.TOTAL_SAMPLES
                            + "], got " + c);
                }
            }
            if (ScalePerf.points(modules, classes).isEmpty()) {
                throw new CommandLine.ParameterException(cl, "--modules and --classes: no point has at least as many "
                        + "modules as classes (each class needs a module)");
            }
            System.setProperty(PerfPart.OUT_PROPERTY, folder.out.toString());
            PerfPart scale = new PerfPart("scale");
            new ScalePerf(rounds, Files.createDirectories(Path.of("bench", "target", "perf-work")), modules, classes)
                    .measure(scale);
            System.out.println("scale figures: " + scale.write(folder.out));
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Renders every part (*.json) in --out into perf.md; adds the local job's phases from "
                    + "--local-summary when that file exists.")
    static final class Report implements Callable<Integer> {
        @CommandLine.Mixin
        PartsFolder folder;

        @Option(names = "--local-summary", description = "deploy/run-local's summary (default ${DEFAULT-VALUE})")
        Path localSummary = Path.of("run/local/summary.json");

        @Option(names = "--command", description = "the command line to print under the table")
        String command = "bench/perf";

        @Override
        public Integer call() throws IOException {
            Path out = folder.out;
            Files.writeString(out.resolve("perf.md"), render(out, localSummary, command));
            for (ScaleCurves curves : scaleCurves(parts(out))) {
                for (String chart : curves.charts().keySet()) {
                    curves.chart(chart).writePng(out.resolve(curves.pngName(chart)), 900, 520);
                }
            }
            System.out.println("wrote " + out.resolve("perf.md"));
            return 0;
        }
    }

    static final List<String> ORDER = List.of("serving", "synthesis", "training", "upload", "upload-fsync-every-chunk",
            "scale", "scale-upload");

    /** Every part under {@code dir}, in {@link #ORDER} (others, such as the scale parts, after). */
    static List<JsonObject> parts(Path dir) throws IOException {
        List<JsonObject> parts = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                parts.add(JsonParser.parseString(Files.readString(f)).getAsJsonObject());
            }
        }
        parts.sort(java.util.Comparator.comparingInt(p -> {
            int i = ORDER.indexOf(p.get("part").getAsString());
            return i < 0 ? ORDER.size() : i;
        }));
        return parts;
    }

    static List<ScaleCurves> scaleCurves(List<JsonObject> parts) {
        return parts.stream().map(ScaleCurves::of).filter(java.util.Objects::nonNull).toList();
    }

    static String render(Path dir, Path localSummary, String command) throws IOException {
        List<JsonObject> parts = parts(dir);
        StringBuilder md = new StringBuilder("# Hot paths against their bare engines\n\n");
        md.append("Produced by `").append(command).append("`. Ratio = ours / bare, the median of the per-round ratios ")
                .append("(each round measures the bare engine and ours back to back, alternating which goes first). ")
                .append("Latency ratios must stay under their target, throughput ratios above it.\n\n");
        md.append("| part | path | metric | bare | ours | ratio | target | met |\n|---|---|---|---|---|---|---|---|\n");
        for (JsonObject p : parts) {
            for (JsonElement e : p.getAsJsonArray("rows")) {
                JsonObject r = e.getAsJsonObject();
                String unit = r.get("unit").getAsString();
                md.append("| ").append(p.get("part").getAsString())
                        .append(" | ").append(r.get("what").getAsString())
                        .append(" | ").append(r.get("metric").getAsString())
                        .append(" | ").append(r.has("bare") ? number(r.get("bare"), unit) : "")
                        .append(" | ").append(number(r.get("ours"), unit))
                        .append(" | ").append(r.has("ratio") ? ratio(r.get("ratio")) : "")
                        .append(" | ").append(r.get("target").isJsonNull() ? "" : r.get("target").getAsString())
                        .append(" | ").append(r.get("met").isJsonNull() ? "" : r.get("met").getAsBoolean() ? "yes" : "**no**")
                        .append(" |\n");
            }
        }
        md.append("\n## Settings and load\n\n");
        for (JsonObject p : parts) {
            md.append("- **").append(p.get("part").getAsString()).append("** (").append(p.get("cores").getAsInt())
                    .append(" cores; load average ").append(p.get("loadAverageBefore").getAsString()).append(" before, ")
                    .append(p.get("loadAverageAfter").getAsString()).append(" after; ")
                    .append(String.format(Locale.ROOT, "%.0f s", p.get("seconds").getAsDouble())).append(")\n");
            for (Map.Entry<String, JsonElement> s : p.getAsJsonObject("settings").entrySet()) {
                md.append("  - ").append(s.getKey()).append(": ").append(s.getValue().isJsonPrimitive()
                        ? s.getValue().getAsString() : s.getValue().toString()).append("\n");
            }
        }
        List<ScaleCurves> curves = scaleCurves(parts);
        if (!curves.isEmpty()) {
            md.append("\n## Scale curves\n\nHow the aggregator's cost grows (medians of the rounds; settings and load above).\n");
            for (ScaleCurves c : curves) md.append(c.markdown());
        }
        if (Files.exists(localSummary)) {
            JsonObject s = JsonParser.parseString(Files.readString(localSummary)).getAsJsonObject();
            md.append("\n## End to end: the local job's phases (").append(localSummary).append(", ")
                    .append(Files.getLastModifiedTime(localSummary)).append(")\n\n| phase | seconds |\n|---|---|\n");
            for (Map.Entry<String, JsonElement> e : s.entrySet()) {
                if (e.getKey().endsWith("_seconds") && e.getValue().isJsonPrimitive()) {
                    md.append("| ").append(e.getKey().replace("_seconds", "").replace('_', ' ')).append(" | ")
                            .append(String.format(Locale.ROOT, "%.1f", e.getValue().getAsDouble())).append(" |\n");
                }
            }
        } else {
            md.append("\n## End to end\n\nNo local job summary at ").append(localSummary)
                    .append(": run `deploy/run-local` first (about 8 minutes here) for the phase table.\n");
        }
        return md.toString();
    }

    private static String number(JsonElement e, String unit) {
        if (e == null || e.isJsonNull()) return "n/a";
        return figure(e.getAsDouble()) + " " + unit;
    }

    /** A figure with as many decimals as its size deserves: 12,345, 12.3, 1.234. */
    static String figure(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String ratio(JsonElement e) {
        return e.isJsonNull() ? "n/a" : String.format(Locale.ROOT, "%.2f", e.getAsDouble());
    }

    private Perf() {
    }
}
