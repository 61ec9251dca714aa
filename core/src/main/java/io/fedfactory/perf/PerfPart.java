package io.fedfactory.perf;

import io.fedfactory.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One part of the performance run ({@code bench/perf}): figures of a hot path next to its bare
 * engine, measured in alternating rounds so that the machine's load hits both, and written as
 * {@code <dir>/<name>.json}. Every row keeps the per-round figures; its ratio (ours / bare) is the
 * median of the per-round ratios. A scale part keeps {@link #point points} of curves instead.
 * {@code bench/perf} renders all parts into one table.
 */
public final class PerfPart {

    /** Where {@code bench/perf} wants the parts; measurements run outside it write under target/. */
    public static final String OUT_PROPERTY = "fedfactory.perf.out";

    private final String name;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<Map<String, Object>> points = new ArrayList<>();
    private final String loadBefore = loadAverage();
    private final long started = System.nanoTime();

    public PerfPart(String name) {
        this.name = name;
    }

    /** A setting the figures depend on (model, payload, threads, fsync policy...). */
    public PerfPart setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    /**
     * A row compared with its bare engine: {@code bare[i]} and {@code ours[i]} were measured back to back
     * in round i. {@code target} is the bound on ours / bare: a floor when {@code higherIsBetter}
     * (throughput), a ceiling otherwise (latency); null for none.
     */
    public void compare(String what, String metric, String unit, double[] bare, double[] ours, boolean higherIsBetter,
                        Double target) {
        if (bare.length != ours.length || bare.length == 0) {
            throw new IllegalArgumentException(what + ": bare and ours need the same, non-zero number of rounds");
        }
        double[] ratios = new double[bare.length];
        for (int i = 0; i < bare.length; i++) ratios[i] = ours[i] / bare[i];
        double ratio = median(ratios);
        Map<String, Object> row = row(what, metric, unit);
        row.put("bare", median(bare));
        row.put("ours", median(ours));
        row.put("ratio", ratio);
        row.put("target", target == null ? null : (higherIsBetter ? ">= " : "<= ") + target);
        row.put("met", target == null ? null : higherIsBetter ? ratio >= target : ratio <= target);
        row.put("roundsBare", bare);
        row.put("roundsOurs", ours);
        row.put("roundRatios", ratios);
        rows.add(row);
    }

    /** A figure of ours alone against an absolute ceiling (null: none), for example a p99 bound. */
    public void absolute(String what, String metric, String unit, double[] ours, Double ceiling) {
        double value = median(ours);
        Map<String, Object> row = row(what, metric, unit);
        row.put("ours", value);
        row.put("target", ceiling == null ? null : "< " + ceiling + " " + unit);
        row.put("met", ceiling == null ? null : value < ceiling);
        row.put("roundsOurs", ours);
        rows.add(row);
    }

    /**
     * A point of a scale curve: how a cost grows with {@code x} (modules, concurrent sites...). Points of
     * one {@code chart} share its unit and are drawn together, one series per {@code curve}; the value is
     * the median of {@code rounds}.
     */
    public void point(String chart, String curve, String xLabel, long x, String unit, double[] rounds) {
        if (rounds.length == 0) throw new IllegalArgumentException(curve + " at " + xLabel + "=" + x + ": no rounds");
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("chart", chart);
        point.put("curve", curve);
        point.put("xLabel", xLabel);
        point.put("x", x);
        point.put("unit", unit);
        point.put("value", median(rounds));
        point.put("rounds", rounds);
        points.add(point);
    }

    private static Map<String, Object> row(String what, String metric, String unit) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("what", what);
        row.put("metric", metric);
        row.put("unit", unit);
        return row;
    }

    /** Writes {@code <dir>/<name>.json}, where dir is {@link #OUT_PROPERTY} or {@code fallback}. */
    public Path write(Path fallback) {
        Path dir = Path.of(System.getProperty(OUT_PROPERTY, fallback.toString()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("part", name);
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("loadAverageBefore", loadBefore);
        doc.put("loadAverageAfter", loadAverage());
        doc.put("seconds", (System.nanoTime() - started) / 1e9);
        doc.put("settings", settings);
        doc.put("rows", rows);
        if (!points.isEmpty()) doc.put("points", points);
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".json");
            Files.writeString(file, Json.pretty(doc) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the performance part " + name + " under " + dir, e);
        }
    }

    /** The q-quantile (0..1) of latencies in nanoseconds, in milliseconds (nearest rank). */
    public static double percentileMs(long[] nanos, double q) {
        if (nanos.length == 0) return Double.NaN;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    /** The median (mean of the middle two for an even count). */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The 1, 5 and 15 minute load averages as /proc/loadavg gives them ("unknown" off Linux). */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
