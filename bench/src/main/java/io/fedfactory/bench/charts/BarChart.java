package io.fedfactory.bench.charts;

import io.fedfactory.imaging.PngFiles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A grouped bar chart: one group per category (a dataset, a split), one bar per series (a method)
 * in each group, the value written above each bar, optional symmetric error bars (a standard
 * deviation over seeds), a title and a legend. A NaN value is a missing bar, labelled "n/a".
 *
 * @param title       drawn at the top
 * @param yLabel      axis label, may be empty
 * @param categories  group names along the x axis
 * @param series      bar names, shown in the legend
 * @param values      {@code values[series][category]}
 * @param errors      {@code errors[series][category]} half-widths, non-negative (NaN for none); or null
 * @param valueFormat {@link String#format} pattern for value labels and axis ticks, e.g. "%.1f"
 */
public record BarChart(String title, String yLabel, List<String> categories, List<String> series, double[][] values,
                       double[][] errors, String valueFormat) {

    public BarChart {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(yLabel, "yLabel");
        Objects.requireNonNull(valueFormat, "valueFormat");
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        if (categories.isEmpty() || series.isEmpty()) {
            throw new IllegalArgumentException("bar chart " + title + ": needs at least one category and one series");
        }
        values = checked("values", values, series.size(), categories.size(), false);
        errors = errors == null ? null : checked("errors", errors, series.size(), categories.size(), true);
        try {
            String.format(Locale.ROOT, valueFormat, 1.0);
        } catch (IllegalFormatException e) {
            throw new IllegalArgumentException("bar chart " + title + ": value format '" + valueFormat
                    + "' does not format a double: " + e.getMessage());
        }
    }

    /** A chart without error bars, y label or custom format (values shown with two decimals). */
    public static BarChart of(String title, List<String> categories, List<String> series, double[][] values) {
        return new BarChart(title, "", categories, series, values, null, "%.2f");
    }

    public BarChart withErrors(double[][] errorBars) {
        return new BarChart(title, yLabel, categories, series, values, errorBars, valueFormat);
    }

    public BarChart withYLabel(String label) {
        return new BarChart(title, label, categories, series, values, errors, valueFormat);
    }

    public BarChart withValueFormat(String format) {
        return new BarChart(title, yLabel, categories, series, values, errors, format);
    }

    @Override
    public double[][] values() {
        return copy(values);
    }

    @Override
    public double[][] errors() {
        return errors == null ? null : copy(errors);
    }

    /** Value of series {@code s} in category {@code c}. */
    public double value(int s, int c) {
        return values[s][c];
    }

    /** Error half-width, 0 when there is none. */
    public double error(int s, int c) {
        return errors == null || Double.isNaN(errors[s][c]) ? 0 : errors[s][c];
    }

    String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, valueFormat, v);
    }

    public BufferedImage render(int width, int height) {
        if (width < 200 || height < 150 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("bar chart " + title + ": size " + width + "x" + height
                    + " is outside [200x150, 8192x8192]");
        }
        PngFiles.ensureHeadless();
        return new BarChartRenderer(this, width, height).draw();
    }

    public void writePng(Path file, int width, int height) throws IOException {
        PngFiles.write(render(width, height), file);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BarChart b && title.equals(b.title) && yLabel.equals(b.yLabel)
                && categories.equals(b.categories) && series.equals(b.series) && Arrays.deepEquals(values, b.values)
                && Arrays.deepEquals(errors, b.errors) && valueFormat.equals(b.valueFormat);
    }

    @Override
    public int hashCode() {
        return Objects.hash(title, yLabel, categories, series, Arrays.deepHashCode(values), valueFormat);
    }

    private static double[][] checked(String field, double[][] m, int rows, int cols, boolean nonNegative) {
        if (m.length != rows) {
            throw new IllegalArgumentException("bar chart: " + field + " has " + m.length + " series, expected " + rows);
        }
        double[][] out = new double[rows][];
        for (int s = 0; s < rows; s++) {
            if (m[s].length != cols) {
                throw new IllegalArgumentException("bar chart: " + field + "[" + s + "] has " + m[s].length
                        + " categories, expected " + cols);
            }
            for (int c = 0; c < cols; c++) {
                double v = m[s][c];
                if (Double.isInfinite(v) || (nonNegative && v < 0)) {
                    throw new IllegalArgumentException("bar chart: " + field + "[" + s + "][" + c + "] = " + v
                            + (nonNegative ? " must be finite and >= 0" : " must be finite (NaN for a missing bar)"));
                }
            }
            out[s] = m[s].clone();
        }
        return out;
    }

    private static double[][] copy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) out[i] = m[i].clone();
        return out;
    }
}
