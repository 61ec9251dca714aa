package io.fedfactory.bench;

import io.fedfactory.bench.charts.BarChart;
import io.fedfactory.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Writes results.json, results.md and accuracy.png for a finished experiment. */
final class ResultsWriter {

    private final ExperimentConfig config;
    private final ExperimentData data;
    private final List<MethodRun> runs;
    private final List<MethodFailure> failures;
    private final String command;
    private final double wallSeconds;

    ResultsWriter(ExperimentConfig config, ExperimentData data, List<MethodRun> runs, String command, double wallSeconds) {
        this(config, data, runs, List.of(), command, wallSeconds);
    }

    ResultsWriter(ExperimentConfig config, ExperimentData data, List<MethodRun> runs, List<MethodFailure> failures,
                  String command, double wallSeconds) {
        this.config = config;
        this.data = data;
        this.runs = List.copyOf(runs);
        this.failures = List.copyOf(failures);
        this.command = command;
        this.wallSeconds = wallSeconds;
    }

    void writeAll(Path dir) throws IOException {
        Files.writeString(dir.resolve("results.json"), json(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.md"), markdown(), StandardCharsets.UTF_8);
        if (!methods().isEmpty()) chart().writePng(dir.resolve("accuracy.png"), 900, 520);
        BarChart privacy = privacyChart();
        if (privacy != null) privacy.writePng(dir.resolve("accuracy-vs-epsilon.png"), 900, 520);
        BarChart rounds = roundsChart();
        if (rounds != null) rounds.writePng(dir.resolve("accuracy-per-round.png"), 1200, 520);
    }

    /** The configured methods that finished under at least one seed, in table order. */
    private List<String> methods() {
        return config.methods().stream().filter(m -> !of(m).isEmpty()).toList();
    }

    private List<MethodRun> of(String method) {
        return runs.stream().filter(r -> r.method().equals(method)).toList();
    }

    private Summary summary(String method, ToDoubleFunction<MethodRun> f) {
        List<Double> v = new ArrayList<>();
        for (MethodRun r : of(method)) v.add(f.applyAsDouble(r));
        return Summary.of(v);
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", config.name());
        root.put("command", command);
        root.put("config", new LinkedHashMap<>(config.asMap()));
        Map<String, Object> train = new LinkedHashMap<>();
        train.put("name", data.train().name());
        train.put("images", data.train().size());
        train.put("source", data.source());
        train.put("imageSpec", data.train().spec().toString());
        train.put("labels", data.train().labelNames());
        if (!data.notes().isEmpty()) train.put("notes", data.notes());
        root.put("train", train);
        root.put("evaluation", Map.of("description", data.evalDescription(), "images", data.eval().size()));
        root.put("classifierRecipe", Json.parsed(ExperimentRunner.recipe(config, config.seeds().get(0)).toJson()));
        root.put("stdConvention", "sample standard deviation over seeds (n - 1)");
        root.put("wallSecondsTotal", wallSeconds);
        Map<String, Object> summaries = new LinkedHashMap<>();
        Summary central = methods().contains("centralized") ? summary("centralized", r -> r.report().accuracy()) : null;
        for (String m : methods()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("accuracy", stat(summary(m, r -> r.report().accuracy())));
            s.put("balancedAccuracy", stat(summary(m, r -> r.report().balancedAccuracy())));
            s.put("macroAuroc", stat(summary(m, r -> r.report().macroAuroc())));
            s.put("macroF1", stat(summary(m, r -> r.report().macroF1())));
            s.put("bytesSentPerSite", stat(summary(m, MethodRun::meanBytesPerSite)));
            s.put("wallSeconds", stat(summary(m, MethodRun::totalSeconds)));
            Map<String, Object> phases = new LinkedHashMap<>();
            for (String phase : of(m).get(0).phaseSeconds().keySet()) {
                phases.put(phase, stat(summary(m, r -> r.phaseSeconds().getOrDefault(phase, 0.0))));
            }
            s.put("phaseSeconds", phases);
            if (central != null) s.put("accuracyRatioToCentralized", summary(m, r -> r.report().accuracy()).mean() / central.mean());
            summaries.put(m, s);
        }
        root.put("summary", summaries);
        List<Object> all = new ArrayList<>();
        for (MethodRun r : runs) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("method", r.method());
            o.put("seed", r.seed());
            o.put("bytesSentPerSite", r.bytesSentPerSite());
            o.put("phaseSeconds", new LinkedHashMap<>(r.phaseSeconds()));
            o.put("details", r.details());
            o.put("report", Json.parsed(r.report().toJson()));
            all.add(o);
        }
        root.put("runs", all);
        List<Object> failed = new ArrayList<>();
        for (MethodFailure f : failures) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("method", f.method());
            o.put("seed", f.seed());
            o.put("error", f.error());
            failed.add(o);
        }
        root.put("failures", failed);
        return Json.pretty(root) + "\n";
    }

    private static Map<String, Object> stat(Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", s.mean());
        m.put("std", s.std());
        m.put("n", s.n());
        return m;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(config.name()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Dataset %s, split %s; %d training images; evaluated on %s. "
                        + "Seeds %s. Classifier recipe `%s` (the same for every method). Total wall time %s.%n%n",
                data.source(), config.describeSplit(), data.train().size(), data.evalDescription(), config.seeds(),
                config.recipe() + (config.classifierEpochs() > 0 ? ", " + config.classifierEpochs() + " epochs" : "")
                        + (config.classifierAugmentation().equals("recipe") ? "" : ", augmentation " + config.classifierAugmentation()),
                Progress.format(wallSeconds)));
        md.append("| method | accuracy (mean ± std) | ratio to centralized | balanced acc | macro AUROC | macro F1 | bytes sent per site | wall time per seed |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        Summary central = methods().contains("centralized") ? summary("centralized", r -> r.report().accuracy()) : null;
        for (String m : methods()) {
            Summary acc = summary(m, r -> r.report().accuracy());
            md.append(String.format(Locale.ROOT, "| %s | %.4f ± %.4f | %s | %.4f ± %.4f | %.4f ± %.4f | %.4f ± %.4f | %s | %s |%n",
                    label(m), acc.mean(), acc.std(), central == null ? "n/a" : String.format(Locale.ROOT, "%.3f", acc.mean() / central.mean()),
                    summary(m, r -> r.report().balancedAccuracy()).mean(), summary(m, r -> r.report().balancedAccuracy()).std(),
                    summary(m, r -> r.report().macroAuroc()).mean(), summary(m, r -> r.report().macroAuroc()).std(),
                    summary(m, r -> r.report().macroF1()).mean(), summary(m, r -> r.report().macroF1()).std(),
                    bytesCell(m), Progress.format(summary(m, MethodRun::totalSeconds).mean())));
        }
        md.append("\nBytes: FederatedFactory counts the ONNX bytes of each site's modules, sent once; FedAvg/FedProx count "
                + "uploads only (site to server: model bytes × rounds), not the global model sent down each round. "
                + "Centralized pools raw images (not a federated protocol; 0 model bytes). "
                + "Std is the sample standard deviation over seeds.\n\n");
        md.append("## Time per phase (mean seconds per seed)\n\n| method | phase | seconds |\n|---|---|---|\n");
        for (String m : methods()) {
            for (String phase : of(m).get(0).phaseSeconds().keySet()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f |%n", m, phase,
                        summary(m, r -> r.phaseSeconds().getOrDefault(phase, 0.0)).mean()));
            }
        }
        appendFailures(md);
        appendPrivacy(md);
        appendClassF1(md);
        appendSiteTimes(md);
        appendRounds(md);
        md.append("\n## Per seed accuracy\n\n| method | seed | accuracy | balanced acc | macro AUROC | macro F1 |\n|---|---|---|---|---|---|\n");
        for (MethodRun r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f | %.4f |%n", r.method(), r.seed(),
                    r.report().accuracy(), r.report().balancedAccuracy(), r.report().macroAuroc(), r.report().macroF1()));
        }
        if (!data.notes().isEmpty()) {
            md.append("\n## Reading the data\n\n");
            for (String n : data.notes()) md.append("- ").append(n).append('\n');
        }
        md.append("\n## Settings\n\n```properties\n");
        config.asMap().forEach((k, v) -> md.append(k).append('=').append(v).append('\n'));
        md.append("```\n\nProduced by:\n\n```\n").append(command).append("\n```\n");
        return md.toString();
    }

    private void appendFailures(StringBuilder md) {
        if (failures.isEmpty()) return;
        md.append("\n## Runs that failed (the figures above are from the runs that finished)\n\n| method | seed | error |\n|---|---|---|\n");
        for (MethodFailure f : failures) {
            md.append("| ").append(f.method()).append(" | ").append(f.seed()).append(" | ")
                    .append(f.error().replace('|', '/').replace('\n', ' ')).append(" |\n");
        }
    }

    /** Per-class F1 (mean over seeds), one column per method, so each class's gap to centralized shows. */
    private void appendClassF1(StringBuilder md) {
        List<String> ms = methods();
        if (ms.isEmpty()) return;
        md.append("\n## Per-class F1 (mean over seeds)\n\n| class |");
        for (String m : ms) md.append(' ').append(m).append(" |");
        md.append("\n|---|");
        for (int i = 0; i < ms.size(); i++) md.append("---|");
        md.append('\n');
        List<String> names = data.train().labelNames();
        for (int c = 0; c < names.size(); c++) {
            final int k = c;
            md.append("| ").append(names.get(c)).append(" |");
            for (String m : ms) {
                md.append(String.format(Locale.ROOT, " %.4f |", summary(m, r -> r.report().f1()[k]).mean()));
            }
            md.append('\n');
        }
    }

    /**
     * Module training per site: in a federation each site trains on its own machine at the same time,
     * so the slowest site, not the sum here, is what the federation waits for.
     */
    private void appendSiteTimes(StringBuilder md) {
        List<String> ff = methods().stream().filter(m -> m.startsWith("ff-")).toList();
        if (ff.isEmpty()) return;
        md.append("\n## Module training per site (seconds; sites train in parallel in a federation)\n\n"
                + "| method | slowest site | mean site | all sites one after another |\n|---|---|---|---|\n");
        for (String m : ff) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", m,
                    summary(m, r -> siteSeconds(r).max().orElse(0)).mean(),
                    summary(m, r -> siteSeconds(r).average().orElse(0)).mean(),
                    summary(m, r -> r.phaseSeconds().getOrDefault("moduleTraining", 0.0)).mean()));
        }
    }

    /** The methods whose runs evaluated their global model after every round (fedavg.evaluateEveryRound). */
    private List<String> roundMethods() {
        return methods().stream().filter(m -> of(m).stream().allMatch(r -> perRound(r).length > 0)).toList();
    }

    private static double[] perRound(MethodRun r) {
        return r.details().get("evaluationAccuracyPerRound") instanceof double[] d ? d : new double[0];
    }

    /** {@code [method][round]}: accuracy after each round over seeds, for each of {@code methods}. */
    private Summary[][] perRoundSummaries(List<String> methods) {
        Summary[][] out = new Summary[methods.size()][config.fedRounds()];
        for (int i = 0; i < methods.size(); i++) {
            for (int k = 0; k < config.fedRounds(); k++) {
                final int round = k;
                out[i][k] = summary(methods.get(i), r -> perRound(r)[round]);
            }
        }
        return out;
    }

    /** Accuracy after each round, mean over seeds (std in brackets): where the curve flattens is the budget. */
    private void appendRounds(StringBuilder md) {
        List<String> ms = roundMethods();
        if (ms.isEmpty()) return;
        Summary[][] perRound = perRoundSummaries(ms);
        md.append("\n## Accuracy after each round (").append(config.evaluation())
                .append(" split; mean over seeds, std in brackets)\n\n| round |");
        for (String m : ms) md.append(' ').append(m).append(" |");
        md.append("\n|---|");
        for (int i = 0; i < ms.size(); i++) md.append("---|");
        md.append('\n');
        for (int k = 0; k < config.fedRounds(); k++) {
            md.append("| ").append(k + 1).append(" |");
            for (int i = 0; i < ms.size(); i++) {
                md.append(String.format(Locale.ROOT, " %.4f (%.4f) |", perRound[i][k].mean(), perRound[i][k].std()));
            }
            md.append('\n');
        }
    }

    BarChart roundsChart() {
        List<String> ms = roundMethods();
        if (ms.isEmpty()) return null;
        List<String> categories = new ArrayList<>();
        for (int k = 1; k <= config.fedRounds(); k++) categories.add(Integer.toString(k));
        Summary[][] perRound = perRoundSummaries(ms);
        double[][] values = new double[ms.size()][config.fedRounds()];
        double[][] errors = new double[ms.size()][config.fedRounds()];
        for (int i = 0; i < ms.size(); i++) {
            for (int k = 0; k < config.fedRounds(); k++) {
                values[i][k] = perRound[i][k].mean();
                errors[i][k] = perRound[i][k].std();
            }
        }
        return BarChart.of(config.name() + ": " + config.evaluation() + " accuracy after each round", categories, ms, values)
                .withErrors(errors).withYLabel("accuracy").withValueFormat("%.2f");
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The per-module privacy facts of a run (FactoryMethod's audit), empty without the audit. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> privacyOf(MethodRun r) {
        Object v = r.details().get("privacy");
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static java.util.DoubleSummaryStatistics stats(MethodRun r, String key) {
        return privacyOf(r).stream().filter(f -> f.get(key) instanceof Number)
                .mapToDouble(f -> ((Number) f.get(key)).doubleValue()).summaryStatistics();
    }

    /** Memorization and attack figures per method: means over modules (and seeds), worst module in brackets. */
    private void appendPrivacy(StringBuilder md) {
        List<String> audited = methods().stream().filter(m -> of(m).stream().anyMatch(r -> !privacyOf(r).isEmpty())).toList();
        if (audited.isEmpty()) return;
        md.append(String.format(Locale.ROOT, "%n## Privacy of the modules (each site held out %.0f%% of every class; "
                + "audit of %d samples, attack of %d samples per module)%n%n", 100 * config.privacy().holdOut(),
                config.privacy().auditSamples(), config.privacy().attackSamples()));
        md.append("| method | epsilon (largest module) | pixel copy rate (max) | feature copy rate (max) | nearer-training share, pixel (max) "
                + "| feature Z_U (min) | modules flagged | membership attack AUC (max) | audit + attack s/module |\n|---|---|---|---|---|---|---|---|---|\n");
        for (String m : audited) {
            java.util.DoubleSummaryStatistics eps = new java.util.DoubleSummaryStatistics();
            java.util.DoubleSummaryStatistics pix = new java.util.DoubleSummaryStatistics();
            java.util.DoubleSummaryStatistics feat = new java.util.DoubleSummaryStatistics();
            java.util.DoubleSummaryStatistics share = new java.util.DoubleSummaryStatistics();
            java.util.DoubleSummaryStatistics zu = new java.util.DoubleSummaryStatistics();
            java.util.DoubleSummaryStatistics auc = new java.util.DoubleSummaryStatistics();
            java.util.DoubleSummaryStatistics sec = new java.util.DoubleSummaryStatistics();
            int flagged = 0;
            int modules = 0;
            for (MethodRun r : of(m)) {
                eps.combine(stats(r, "epsilon"));
                pix.combine(stats(r, "pixelCopyRate"));
                feat.combine(stats(r, "featureCopyRate"));
                share.combine(stats(r, "nearerTrainingShare"));
                zu.combine(stats(r, "featureZu"));
                auc.combine(stats(r, "attackAuc"));
                sec.combine(stats(r, "auditSeconds"));
                for (Map<String, Object> f : privacyOf(r)) {
                    modules++;
                    if (Boolean.TRUE.equals(f.get("flagged"))) flagged++;
                }
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4f (%.4f) | %.4f (%.4f) | %.3f (%.3f) | %.2f (%.2f) | %d of %d | %.3f (%.3f) | %.1f |%n",
                    m, eps.getCount() == 0 ? "no DP" : String.format(Locale.ROOT, "%.3f", eps.getMax()),
                    pix.getAverage(), pix.getMax(), feat.getAverage(), feat.getMax(), share.getAverage(), share.getMax(),
                    zu.getAverage(), zu.getMin(),
                    flagged, modules, auc.getAverage(), auc.getMax(), sec.getAverage()));
        }
        md.append("\nCopy rate: share of samples nearer a training image than the 1st percentile of held-out-to-training "
                + "distances (flagged above 0.05). Nearer-training share: share of samples nearer a training image than "
                + "any held-out image, equally many of each (0.5 without memorization; flagged above 0.65 in pixel or PCA "
                + "space). Z_U: Meehan et al.'s three-sample statistic in the PCA space of the site's images (reported; "
                + "it does not decide). Attack: nearest-sample likelihood attack on the module's samples, "
                + "its training images against its held-out ones (0.5: no signal).\n");
    }

    /** Accuracy of the DP methods against their epsilon, with the same kind without DP last; null without DP methods. */
    BarChart privacyChart() {
        List<String> dp = methods().stream().filter(m -> ExperimentConfig.targetEpsilon(m).isPresent())
                .sorted(java.util.Comparator.comparingDouble(m -> ExperimentConfig.targetEpsilon(m).getAsDouble())).toList();
        if (dp.isEmpty()) return null;
        List<String> ms = new ArrayList<>(dp);
        String plain = ExperimentConfig.baseMethod(dp.get(0));
        if (methods().contains(plain)) ms.add(plain);
        List<String> categories = new ArrayList<>();
        double[][] values = new double[1][ms.size()];
        double[][] errors = new double[1][ms.size()];
        for (int i = 0; i < ms.size(); i++) {
            String m = ms.get(i);
            var e = ExperimentConfig.targetEpsilon(m);
            categories.add(e.isPresent() ? "epsilon " + trim(e.getAsDouble()) : "no DP");
            Summary s = summary(m, r -> r.report().accuracy());
            values[0][i] = s.mean();
            errors[0][i] = s.std();
        }
        return BarChart.of(config.name() + ": " + config.evaluation() + " accuracy against epsilon (delta "
                        + config.privacy().dpDelta() + ")", categories, List.of(plain), values)
                .withErrors(errors).withYLabel("accuracy").withValueFormat("%.3f");
    }

    private static java.util.stream.DoubleStream siteSeconds(MethodRun r) {
        Object v = r.details().get("moduleSecondsPerSite");
        return v instanceof double[] d ? java.util.Arrays.stream(d) : java.util.stream.DoubleStream.empty();
    }

    private String label(String m) {
        return label(config, m);
    }

    /** What method {@code m} of an experiment with these settings is, in words (the tables' first column). */
    static String label(ExperimentConfig config, String m) {
        String base = baseLabel(config, m);
        double sigma = m.startsWith("ff-") ? config.ffInputBlur() : m.equals("centralized") ? config.centralizedInputBlur() : 0;
        return sigma > 0 ? base + ", input blur sigma " + trim(sigma) + " px" : base;
    }

    private static String baseLabel(ExperimentConfig config, String m) {
        var epsilon = ExperimentConfig.targetEpsilon(m);
        if (epsilon.isPresent()) {
            return String.format(Locale.ROOT, "FF-%s with DP-SGD, epsilon %s at delta %s (clip %s, microbatch %d)",
                    ExperimentConfig.baseMethod(m).substring("ff-".length()), trim(epsilon.getAsDouble()),
                    config.privacy().dpDelta(), trim(config.privacy().dpClip()), config.privacy().dpMicrobatch());
        }
        return switch (m) {
            case "fedavg" -> "FedAvg (" + config.fedRounds() + " rounds × " + config.fedLocalEpochs() + " local epoch"
                    + (config.fedLocalEpochs() > 1 ? "s" : "") + ")";
            case "fedprox" -> "FedProx (mu " + config.fedProxMu() + ", " + config.fedRounds() + " rounds × "
                    + config.fedLocalEpochs() + " local epoch" + (config.fedLocalEpochs() > 1 ? "s" : "") + ")";
            case "ff-decoder" -> "FF-decoder (VAE, " + config.decoderPerClass() + " synthetic/class)";
            case "ff-latent-diffusion" -> "FF-latent-diffusion (EDM on VAE latents, denoiser w" + config.latent().denoiserWidth()
                    + ", " + config.latent().denoiserSteps() + " steps, " + config.latent().samplerSteps() + " Heun steps, "
                    + config.latent().perClass() + " synthetic/class)";
            case "ff-ensemble" -> "FF-ensemble (a decoder and a latent-diffusion module per class at every site, "
                    + config.latent().perClass() + " synthetic/class split evenly over them)";
            case "ff-poe" -> "FF-PoE, local mode (" + config.poeKind() + " modules; each site: its real images + "
                    + config.poePerClass() + " synthetic per missing class; product of site classifiers)";
            case "ff-diffusion" -> "FF-diffusion (UNet w" + config.diffusionWidth() + ", " + config.diffusionSteps()
                    + " steps, " + config.samplerSteps() + " Heun steps, " + config.diffusionPerClass() + " synthetic/class)";
            default -> "centralized (pooled real data)";
        };
    }

    private String bytesCell(String m) {
        return bytesCell(m, summary(m, MethodRun::meanBytesPerSite).mean());
    }

    /** Mean bytes a site of method {@code m} sends, with how they travel (once, per round, or not at all). */
    static String bytesCell(String m, double b) {
        if (m.equals("centralized")) return "n/a (raw images)";
        String size = b >= 1 << 20 ? String.format(Locale.ROOT, "%.2f MB", b / (1 << 20)) : String.format(Locale.ROOT, "%.1f KB", b / 1024);
        return m.startsWith("ff-") ? size + " (once)" : size + " (upload)";
    }

    BarChart chart() {
        List<String> series = new ArrayList<>();
        List<String> ms = methods();
        double[][] values = new double[ms.size()][1];
        double[][] errors = new double[ms.size()][1];
        for (int i = 0; i < ms.size(); i++) {
            String m = ms.get(i);
            series.add(m);
            Summary s = summary(m, r -> r.report().accuracy());
            values[i][0] = s.mean();
            errors[i][0] = s.std();
        }
        return BarChart.of(config.name() + ": " + config.evaluation() + " accuracy (mean ± std over " + config.seeds().size() + " seeds)",
                List.of(config.dataset() + ", " + config.split()), series, values)
                .withErrors(errors).withYLabel("accuracy").withValueFormat("%.3f");
    }
}
