package io.fedfactory.bench.perf;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fedfactory.bench.charts.BarChart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The scale curves of one performance part ({@code PerfPart.point}): its points grouped by chart, each
 * chart a grid of x values (columns) by curves (rows), with NaN where a curve has no point at an x. The
 * report renders each grid as a Markdown table and a bar chart, one group of bars per x.
 *
 * @param part   the part's name
 * @param charts chart name to its grid, in the order the points first name them
 */
record ScaleCurves(String part, Map<String, Grid> charts) {

    /**
     * @param xLabel what x counts (modules, concurrent sites)
     * @param unit   the unit every value of the chart shares
     * @param xs     the x values, ascending
     * @param curves the curves, in the order of their first point
     * @param values {@code values[curve][x]}, NaN where not measured
     */
    record Grid(String xLabel, String unit, List<Long> xs, List<String> curves, double[][] values) {
    }

    /** The curves of a part's JSON, or null when it has no points (a part compared with its bare engine). */
    static ScaleCurves of(JsonObject part) {
        if (!part.has("points")) return null;
        String name = part.get("part").getAsString();
        Map<String, List<JsonObject>> byChart = new LinkedHashMap<>();
        for (JsonElement e : part.getAsJsonArray("points")) {
            JsonObject p = e.getAsJsonObject();
            byChart.computeIfAbsent(p.get("chart").getAsString(), k -> new ArrayList<>()).add(p);
        }
        Map<String, Grid> charts = new LinkedHashMap<>();
        for (Map.Entry<String, List<JsonObject>> c : byChart.entrySet()) {
            List<JsonObject> points = c.getValue();
            String xLabel = points.get(0).get("xLabel").getAsString();
            String unit = points.get(0).get("unit").getAsString();
            TreeSet<Long> xs = new TreeSet<>();
            List<String> curves = new ArrayList<>();
            for (JsonObject p : points) {
                if (!p.get("unit").getAsString().equals(unit) || !p.get("xLabel").getAsString().equals(xLabel)) {
                    throw new IllegalArgumentException(name + ", chart " + c.getKey() + ": point " + p
                            + " does not share the chart's x (" + xLabel + ") and unit (" + unit + ")");
                }
                xs.add(p.get("x").getAsLong());
                String curve = p.get("curve").getAsString();
                if (!curves.contains(curve)) curves.add(curve);
            }
            List<Long> xList = List.copyOf(xs);
            double[][] values = new double[curves.size()][xList.size()];
            for (double[] row : values) Arrays.fill(row, Double.NaN);
            for (JsonObject p : points) {
                int ci = curves.indexOf(p.get("curve").getAsString());
                int xi = xList.indexOf(p.get("x").getAsLong());
                if (!Double.isNaN(values[ci][xi])) {
                    throw new IllegalArgumentException(name + ", chart " + c.getKey() + ": two points of "
                            + p.get("curve").getAsString() + " at " + xLabel + " = " + p.get("x").getAsLong());
                }
                values[ci][xi] = p.get("value").getAsDouble();
            }
            charts.put(c.getKey(), new Grid(xLabel, unit, xList, curves, values));
        }
        return new ScaleCurves(name, charts);
    }

    /** The PNG of one chart, next to perf.md. */
    String pngName(String chart) {
        return part + "-" + chart + ".png";
    }

    BarChart chart(String chart) {
        Grid g = charts.get(chart);
        List<String> categories = g.xs().stream().map(x -> String.format(Locale.ROOT, "%,d %s", x, g.xLabel())).toList();
        return BarChart.of(part + ": " + chart + " against " + g.xLabel(), categories, g.curves(), g.values())
                .withYLabel(g.unit()).withValueFormat(max(g.values()) >= 100 ? "%.0f" : "%.2f");
    }

    /** One Markdown table per chart (curves down, x across) with the link to its plot. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        for (Map.Entry<String, Grid> c : charts.entrySet()) {
            Grid g = c.getValue();
            md.append("\n**").append(part).append(": ").append(c.getKey()).append("** (").append(g.unit())
                    .append("; plot: [").append(pngName(c.getKey())).append("](").append(pngName(c.getKey())).append("))\n\n");
            md.append("| curve |");
            for (long x : g.xs()) md.append(String.format(Locale.ROOT, " %,d %s |", x, g.xLabel()));
            md.append("\n|---|").append("---|".repeat(g.xs().size())).append("\n");
            for (int ci = 0; ci < g.curves().size(); ci++) {
                md.append("| ").append(g.curves().get(ci)).append(" |");
                for (double v : g.values()[ci]) md.append(" ").append(Double.isNaN(v) ? "" : Perf.figure(v)).append(" |");
                md.append("\n");
            }
        }
        return md.toString();
    }

    private static double max(double[][] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double[] row : values) for (double v : row) if (!Double.isNaN(v)) m = Math.max(m, v);
        return m;
    }
}
