package io.fedfactory.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fedfactory.json.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench/table}: one table from the result folders of an experiment that was split over several
 * configs (each under the 100-minute box). It reads the {@code results.json} that {@code bench/run} wrote in
 * each folder, refuses folders that do not share the data, split, evaluation split, seeds and classifier recipe
 * of the first (naming the folder, the field and both values), and writes every method's accuracy, its ratio
 * to the one centralized row, per-class F1 beside centralized, bytes and time.
 */
public final class Table {

    /** Settings that must be equal in every folder for their rows to share one table. */
    static final List<String> SHARED_SETTINGS = List.of("dataset", "dataset.path", "dataset.labels", "dataset.imageSpec",
            "dataset.sizePolicy", "dataset.holdout", "dataset.holdoutSeed", "split", "sites", "split.classesPerSite",
            "split.alpha", "seeds", "evaluation", "validation.size", "data.trainPerClass", "data.evalPerClass");

    /** Recipe fields that may differ: the seed is derived per run and thread counts do not change the recipe. */
    static final List<String> RECIPE_FIELDS_FREE = List.of("seed", "threads");

    @Command(name = "bench/table", sortOptions = false,
            description = "Joins the result folders of one experiment split over several configs into one table "
                    + "(markdown, to standard output and --out).",
            footer = {
                    "Every folder must hold a results.json from bench/run, on the same data,",
                    "split, evaluation split, seeds and classifier recipe as the first folder",
                    "(its seed and thread count aside); a folder that differs is refused,",
                    "naming the field. At most one folder may run centralized: every ratio is",
                    "against it. A folder whose run stopped before every method and seed",
                    "finished is refused unless --allow-partial, which marks it.",
                    "",
                    "Example:",
                    "  bench/table --out bench/results/fmnist-silo10-table.md \\",
                    "      bench/results/fmnist-silo10-e8 bench/results/fmnist-silo10-ensemble",
                    "",
                    "Exit status: 0 written, 2 bad arguments or folders that cannot share a table."})
    static final class Options {
        @Parameters(paramLabel = "FOLDER", arity = "1..*", description = "Result folders, each with the results.json "
                + "bench/run wrote; the first sets what the others must share.")
        List<Path> folders = new ArrayList<>();

        @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to this file.")
        Path out;

        @Option(names = "--title", paramLabel = "TEXT", defaultValue = "Combined results",
                description = "Heading of the table (default: ${DEFAULT-VALUE}).")
        String title;

        @Option(names = "--allow-partial", description = "Accept folders of runs stopped before the end (marked).")
        boolean allowPartial;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "This text.")
        boolean help;
    }

    /** One method of one folder: its label, its runs in seed order, and what failed. */
    record Row(String folder, String method, String label, List<Long> seeds, List<JsonObject> runs, List<String> failures) {}

    private Table() {}

    public static void main(String[] args) throws Exception {
        Commands.exit(Table::run, args);
    }

    static String usage() {
        return Commands.usage(new Options());
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = Commands.parse(new Options(), args);
        if (o.help) {
            out.print(usage());
            return 0;
        }
        String md = markdown(o.title, o.folders, o.allowPartial, "bench/table " + String.join(" ", args));
        if (o.out != null) {
            if (o.out.toAbsolutePath().getParent() != null) Files.createDirectories(o.out.toAbsolutePath().getParent());
            Files.writeString(o.out, md, StandardCharsets.UTF_8);
        }
        out.print(md);
        return 0;
    }

    /** The table of these folders; throws IllegalArgumentException naming the folder and field that keeps one out. */
    static String markdown(String title, List<Path> folders, boolean allowPartial, String command) throws IOException {
        List<JsonObject> results = new ArrayList<>();
        for (Path f : folders) results.add(read(f));
        JsonObject first = results.get(0);
        List<Row> rows = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Row central = null;
        ExperimentConfig firstConfig = null;
        for (int i = 0; i < folders.size(); i++) {
            String name = folders.get(i).getFileName().toString();
            JsonObject r = results.get(i);
            if (i > 0) checkShared(name, folders.get(0).getFileName().toString(), first, r);
            ExperimentConfig config = config(name, r);
            if (i == 0) firstConfig = config;
            int expected = config.methods().size() * config.seeds().size();
            int done = r.getAsJsonArray("runs").size() + r.getAsJsonArray("failures").size();
            boolean partial = done < expected;
            if (partial && !allowPartial) {
                throw new IllegalArgumentException(name + ": its run stopped after " + done + " of " + expected
                        + " runs (methods x seeds); finish it, or pass --allow-partial to mark it");
            }
            sources.add(String.format(Locale.ROOT, "| %s | `%s` | %s | %d of %d%s |", name,
                    r.get("command").getAsString().replace("|", "/"), Progress.format(r.get("wallSecondsTotal").getAsDouble()),
                    done, expected, partial ? " (partial)" : ""));
            for (String m : config.methods()) {
                List<JsonObject> runs = new ArrayList<>();
                for (long seed : config.seeds()) {
                    for (JsonElement e : r.getAsJsonArray("runs")) {
                        JsonObject run = e.getAsJsonObject();
                        if (run.get("method").getAsString().equals(m) && run.get("seed").getAsLong() == seed) runs.add(run);
                    }
                }
                List<String> failed = new ArrayList<>();
                for (JsonElement e : r.getAsJsonArray("failures")) {
                    JsonObject f = e.getAsJsonObject();
                    if (f.get("method").getAsString().equals(m)) {
                        failed.add("seed " + f.get("seed").getAsLong() + ": " + f.get("error").getAsString());
                    }
                }
                Row row = new Row(name, m, ResultsWriter.label(config, m), config.seeds(), runs, failed);
                if (m.equals("centralized")) {
                    if (central != null) {
                        throw new IllegalArgumentException(name + " and " + central.folder() + " both run centralized: "
                                + "give one of them, so that every ratio has one denominator");
                    }
                    central = row;
                }
                rows.add(row);
            }
        }
        JsonObject train = first.getAsJsonObject("train");
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        md.append(String.format(Locale.ROOT, "Dataset %s, split %s; %d training images; evaluated on %s. Seeds %s. "
                        + "Classifier recipe %s, the same for every row. %d configs, one run each.%n%n",
                train.get("source").getAsString(), firstConfig.describeSplit(), train.get("images").getAsInt(),
                first.getAsJsonObject("evaluation").get("description").getAsString(), firstConfig.seeds(),
                recipe(first), folders.size()));
        Double centralMean = central == null || central.runs().isEmpty() ? null : accuracy(central).mean();
        md.append("| method | config | accuracy (mean ± std) | per seed | ratio to centralized | macro F1 | bytes sent per site | wall time per seed |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            if (row.runs().isEmpty()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | failed | - | - | - | - | - |%n", row.label(), row.folder()));
                continue;
            }
            Summary acc = accuracy(row);
            List<String> perSeed = new ArrayList<>();
            List<Double> f1 = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            for (JsonObject run : row.runs()) {
                perSeed.add(String.format(Locale.ROOT, "%.4f", run.getAsJsonObject("report").get("accuracy").getAsDouble()));
                f1.add(run.getAsJsonObject("report").get("macroF1").getAsDouble());
                double b = 0;
                JsonArray sites = run.getAsJsonArray("bytesSentPerSite");
                for (JsonElement e : sites) b += e.getAsDouble();
                bytes.add(sites.isEmpty() ? 0 : b / sites.size());
                double s = 0;
                for (Map.Entry<String, JsonElement> e : run.getAsJsonObject("phaseSeconds").entrySet()) s += e.getValue().getAsDouble();
                seconds.add(s);
            }
            String seedsCell = String.join(", ", perSeed) + (row.runs().size() < row.seeds().size()
                    ? " (" + row.runs().size() + " of " + row.seeds().size() + " seeds)" : "");
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %s | %s | %.4f | %s | %s |%n", row.label(),
                    row.folder(), acc.mean(), acc.std(), seedsCell,
                    centralMean == null ? "n/a" : String.format(Locale.ROOT, "%.3f", acc.mean() / centralMean),
                    Summary.of(f1).mean(), ResultsWriter.bytesCell(row.method(), Summary.of(bytes).mean()),
                    Progress.format(Summary.of(seconds).mean())));
        }
        md.append("\nStd is the sample standard deviation over seeds. Bytes: FederatedFactory counts the ONNX bytes of "
                + "each site's modules, sent once; FedAvg/FedProx count uploads only (model bytes x rounds).\n");
        appendFailures(md, rows);
        appendClassF1(md, rows, train);
        md.append("\n## Configs\n\n| folder | command | wall time | runs |\n|---|---|---|---|\n");
        for (String s : sources) md.append(s).append('\n');
        md.append("\nProduced by:\n\n```\n").append(command).append("\n```\n");
        return md.toString();
    }

    private static JsonObject read(Path folder) throws IOException {
        Path file = folder.resolve("results.json");
        if (!Files.isDirectory(folder)) throw new IllegalArgumentException(folder + ": no such folder");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(folder + ": no results.json (a folder bench/run wrote is expected)");
        }
        try {
            JsonObject r = Json.parsed(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            for (String key : List.of("config", "train", "evaluation", "classifierRecipe", "runs", "failures", "command")) {
                if (!r.has(key)) throw new IllegalArgumentException("field '" + key + "' is missing");
            }
            return r;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a results.json of bench/run (" + e.getMessage() + ")", e);
        }
    }

    private static ExperimentConfig config(String name, JsonObject results) {
        Properties p = new Properties();
        for (Map.Entry<String, JsonElement> e : results.getAsJsonObject("config").entrySet()) {
            p.setProperty(e.getKey(), e.getValue().getAsString());
        }
        try {
            return ExperimentConfig.fromProperties(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": its settings do not parse: " + e.getMessage(), e);
        }
    }

    private static void checkShared(String name, String firstName, JsonObject first, JsonObject other) {
        JsonObject a = first.getAsJsonObject("config");
        JsonObject b = other.getAsJsonObject("config");
        for (String key : SHARED_SETTINGS) {
            String va = a.has(key) ? a.get(key).getAsString() : "";
            String vb = b.has(key) ? b.get(key).getAsString() : "";
            if (!va.equals(vb)) {
                throw new IllegalArgumentException(name + ": " + key + "=" + vb + " where " + firstName + " has " + key
                        + "=" + va + "; rows of one table share data, split, seeds and evaluation split");
            }
        }
        for (String key : List.of("name", "images", "imageSpec", "labels")) {
            same(name, firstName, "train." + key, first.getAsJsonObject("train").get(key), other.getAsJsonObject("train").get(key));
        }
        for (String key : List.of("description", "images")) {
            same(name, firstName, "evaluation." + key, first.getAsJsonObject("evaluation").get(key),
                    other.getAsJsonObject("evaluation").get(key));
        }
        JsonObject ra = first.getAsJsonObject("classifierRecipe");
        JsonObject rb = other.getAsJsonObject("classifierRecipe");
        for (String key : union(ra, rb)) {
            if (RECIPE_FIELDS_FREE.contains(key)) continue;
            same(name, firstName, "classifierRecipe." + key, ra.get(key), rb.get(key));
        }
    }

    private static Set<String> union(JsonObject a, JsonObject b) {
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    private static void same(String name, String firstName, String field, JsonElement a, JsonElement b) {
        if (a == null ? b != null : !a.equals(b)) {
            throw new IllegalArgumentException(name + ": " + field + " is " + b + " where " + firstName + " has " + a
                    + "; every row of one table trains the same recipe on the same data");
        }
    }

    private static String recipe(JsonObject results) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : results.getAsJsonObject("classifierRecipe").entrySet()) {
            if (!RECIPE_FIELDS_FREE.contains(e.getKey())) parts.add(e.getKey() + " " + e.getValue());
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private static Summary accuracy(Row row) {
        List<Double> v = new ArrayList<>();
        for (JsonObject run : row.runs()) v.add(run.getAsJsonObject("report").get("accuracy").getAsDouble());
        return Summary.of(v);
    }

    private static void appendFailures(StringBuilder md, List<Row> rows) {
        boolean any = rows.stream().anyMatch(r -> !r.failures().isEmpty());
        if (!any) return;
        md.append("\n## Runs that failed\n\n| method | config | error |\n|---|---|---|\n");
        for (Row r : rows) {
            for (String f : r.failures()) {
                md.append("| ").append(r.method()).append(" | ").append(r.folder()).append(" | ")
                        .append(f.replace('|', '/').replace('\n', ' ')).append(" |\n");
            }
        }
    }

    /** Per-class F1 (mean over seeds), centralized's column first so each class's gap shows. */
    private static void appendClassF1(StringBuilder md, List<Row> rows, JsonObject train) {
        List<Row> withRuns = new ArrayList<>();
        rows.stream().filter(r -> r.method().equals("centralized") && !r.runs().isEmpty()).forEach(withRuns::add);
        rows.stream().filter(r -> !r.method().equals("centralized") && !r.runs().isEmpty()).forEach(withRuns::add);
        if (withRuns.isEmpty()) return;
        md.append("\n## Per-class F1 (mean over seeds)\n\n| class |");
        for (Row r : withRuns) md.append(' ').append(r.method()).append(" (").append(r.folder()).append(") |");
        md.append("\n|---|").append("---|".repeat(withRuns.size())).append('\n');
        JsonArray labels = train.getAsJsonArray("labels");
        for (int c = 0; c < labels.size(); c++) {
            md.append("| ").append(labels.get(c).getAsString()).append(" |");
            for (Row r : withRuns) {
                List<Double> f1 = new ArrayList<>();
                for (JsonObject run : r.runs()) {
                    JsonArray classes = run.getAsJsonObject("report").getAsJsonArray("classes");
                    for (JsonElement e : classes) {
                        JsonObject k = e.getAsJsonObject();
                        if (k.get("label").getAsInt() == c) f1.add(k.get("f1").getAsDouble());
                    }
                }
                md.append(f1.isEmpty() ? " - |" : String.format(Locale.ROOT, " %.4f |", Summary.of(f1).mean()));
            }
            md.append('\n');
        }
    }
}
