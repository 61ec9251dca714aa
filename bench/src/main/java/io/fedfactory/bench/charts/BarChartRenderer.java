package io.fedfactory.bench.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Lays out and draws a {@link BarChart}; one instance per drawing. */
final class BarChartRenderer {

    /** Okabe-Ito: distinguishable under the common colour-vision deficiencies. */
    static final int[] PALETTE = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0xF0E442, 0x000000};

    private static final Color AXIS = new Color(0x333333);
    private static final Color GRID = new Color(0xE0E0E0);
    private static final Color ERROR_BAR = new Color(0x222222);
    private static final int SWATCH = 12;

    private final BarChart chart;
    private final int width;
    private final int height;
    private final BufferedImage image;
    private final Graphics2D g;
    private final Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private final Font textFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private final Font smallFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private double axisMin;
    private double axisMax;
    private double step;
    private int stepDecimals;
    private int plotLeft;
    private int plotRight;
    private int plotTop;
    private int plotBottom;

    BarChartRenderer(BarChart chart, int width, int height) {
        this.chart = chart;
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.g = image.createGraphics();
    }

    static Color seriesColor(int s) {
        return new Color(PALETTE[s % PALETTE.length]);
    }

    BufferedImage draw() {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int y = drawTitle(10);
        y = drawLegend(y + 6);
        scale();
        layoutPlot(y + 8);
        drawGridAndTicks();
        drawBars();
        drawCategoryLabels();
        drawYLabel();
        g.dispose();
        return image;
    }

    private int drawTitle(int top) {
        g.setFont(titleFont);
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        g.drawString(chart.title(), (width - fm.stringWidth(chart.title())) / 2, top + fm.getAscent());
        return top + fm.getHeight();
    }

    /** Legend entries flow in centred rows below the title; returns the y below the last row. */
    private int drawLegend(int top) {
        g.setFont(textFont);
        FontMetrics fm = g.getFontMetrics();
        List<List<Integer>> lines = new ArrayList<>();
        List<Integer> line = new ArrayList<>();
        int lineWidth = 0;
        for (int s = 0; s < chart.series().size(); s++) {
            int w = entryWidth(fm, s);
            if (!line.isEmpty() && lineWidth + w > width - 40) {
                lines.add(line);
                line = new ArrayList<>();
                lineWidth = 0;
            }
            line.add(s);
            lineWidth += w;
        }
        lines.add(line);
        int rowHeight = Math.max(fm.getHeight(), SWATCH) + 4;
        for (int l = 0; l < lines.size(); l++) {
            int total = lines.get(l).stream().mapToInt(s -> entryWidth(fm, s)).sum();
            int x = (width - total) / 2;
            int rowTop = top + l * rowHeight;
            for (int s : lines.get(l)) {
                g.setColor(seriesColor(s));
                g.fillRect(x, rowTop + (rowHeight - SWATCH) / 2, SWATCH, SWATCH);
                g.setColor(Color.BLACK);
                g.drawString(chart.series().get(s), x + SWATCH + 5,
                        rowTop + (rowHeight - fm.getHeight()) / 2 + fm.getAscent());
                x += entryWidth(fm, s);
            }
        }
        return top + lines.size() * rowHeight;
    }

    private int entryWidth(FontMetrics fm, int s) {
        return SWATCH + 5 + fm.stringWidth(chart.series().get(s)) + 18;
    }

    /** Axis range covering every bar and error bar and zero, on a 1-2-2.5-5 step grid. */
    private void scale() {
        double lo = 0, hi = 0;
        for (int s = 0; s < chart.series().size(); s++) {
            for (int c = 0; c < chart.categories().size(); c++) {
                double v = chart.value(s, c);
                if (Double.isNaN(v)) continue;
                lo = Math.min(lo, v - chart.error(s, c));
                hi = Math.max(hi, v + chart.error(s, c));
            }
        }
        if (hi == lo) hi = lo + 1;
        double raw = (hi - lo) / 5;
        int exponent = (int) Math.floor(Math.log10(raw));
        double magnitude = Math.pow(10, exponent);
        double mantissa = 10;
        for (double m : new double[] {1, 2, 2.5, 5}) {
            if (m * magnitude >= raw) {
                mantissa = m;
                break;
            }
        }
        if (mantissa == 10) {
            mantissa = 1;
            exponent++;
            magnitude *= 10;
        }
        step = mantissa * magnitude;
        stepDecimals = Math.max(0, -exponent + (mantissa == 2.5 ? 1 : 0));
        axisMax = Math.ceil(hi / step - 1e-9) * step;
        axisMin = Math.floor(lo / step + 1e-9) * step;
    }

    private void layoutPlot(int top) {
        g.setFont(smallFont);
        FontMetrics small = g.getFontMetrics();
        int tickWidth = 0;
        for (double t = axisMin; t <= axisMax + step / 2; t += step) tickWidth = Math.max(tickWidth, small.stringWidth(tick(t)));
        g.setFont(textFont);
        FontMetrics text = g.getFontMetrics();
        int yLabelSpace = chart.yLabel().isEmpty() ? 0 : text.getHeight() + 6;
        plotLeft = 12 + yLabelSpace + tickWidth + 6;
        plotRight = width - 16;
        plotTop = top + small.getHeight() + 4; // room for a value label above the tallest bar
        plotBottom = height - 12 - 2 * text.getHeight();
    }

    private int py(double v) {
        return (int) Math.round(plotBottom - (v - axisMin) / (axisMax - axisMin) * (plotBottom - plotTop));
    }

    private void drawGridAndTicks() {
        g.setFont(smallFont);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; ; i++) {
            double t = axisMin + i * step;
            if (t > axisMax + step / 2) break;
            int y = py(t);
            g.setColor(GRID);
            g.drawLine(plotLeft, y, plotRight, y);
            g.setColor(AXIS);
            String label = tick(t);
            g.drawString(label, plotLeft - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(AXIS);
        g.drawLine(plotLeft, plotTop, plotLeft, plotBottom);
        g.drawLine(plotLeft, py(0), plotRight, py(0));
    }

    private String tick(double t) {
        return String.format(Locale.ROOT, "%." + stepDecimals + "f", t);
    }

    private void drawBars() {
        int categories = chart.categories().size();
        int seriesCount = chart.series().size();
        double groupWidth = (double) (plotRight - plotLeft) / categories;
        double barWidth = groupWidth * 0.8 / seriesCount;
        int zero = py(0);
        for (int c = 0; c < categories; c++) {
            for (int s = 0; s < seriesCount; s++) {
                int x0 = (int) Math.round(plotLeft + c * groupWidth + groupWidth * 0.1 + s * barWidth);
                int x1 = (int) Math.round(plotLeft + c * groupWidth + groupWidth * 0.1 + (s + 1) * barWidth);
                int w = Math.max(1, x1 - x0 - (barWidth > 4 ? 1 : 0));
                int center = x0 + w / 2;
                double v = chart.value(s, c);
                if (Double.isNaN(v)) {
                    drawValueLabel("n/a", center, zero - 3, w);
                    continue;
                }
                int top = py(v);
                g.setColor(seriesColor(s));
                g.fillRect(x0, Math.min(top, zero), w, Math.max(1, Math.abs(zero - top)));
                double e = chart.error(s, c);
                if (e > 0) {
                    g.setColor(ERROR_BAR);
                    g.setStroke(new BasicStroke(1.5f));
                    int cap = Math.max(2, w / 4);
                    int hi = py(v + e), lo = py(v - e);
                    g.drawLine(center, hi, center, lo);
                    g.drawLine(center - cap, hi, center + cap, hi);
                    g.drawLine(center - cap, lo, center + cap, lo);
                    g.setStroke(new BasicStroke(1f));
                }
                if (v >= 0) {
                    drawValueLabel(chart.format(v), center, py(v + e) - 3, w);
                } else {
                    g.setFont(smallFont);
                    drawValueLabel(chart.format(v), center, py(v - e) + g.getFontMetrics().getAscent() + 3, w);
                }
            }
        }
    }

    /** Centred on {@code center} with its baseline at {@code baseline}; shrinks to fit narrow bars. */
    private void drawValueLabel(String text, int center, int baseline, int barWidth) {
        Font font = smallFont;
        while (font.getSize() > 8 && g.getFontMetrics(font).stringWidth(text) > barWidth + 6) {
            font = font.deriveFont((float) font.getSize() - 1);
        }
        g.setFont(font);
        g.setColor(Color.BLACK);
        g.drawString(text, center - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    private void drawCategoryLabels() {
        int categories = chart.categories().size();
        double groupWidth = (double) (plotRight - plotLeft) / categories;
        for (int c = 0; c < categories; c++) {
            String name = chart.categories().get(c);
            Font font = textFont;
            while (font.getSize() > 9 && g.getFontMetrics(font).stringWidth(name) > groupWidth - 4) {
                font = font.deriveFont((float) font.getSize() - 1);
            }
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            int center = (int) Math.round(plotLeft + (c + 0.5) * groupWidth);
            g.setColor(Color.BLACK);
            g.drawString(name, center - fm.stringWidth(name) / 2, plotBottom + 6 + fm.getAscent());
        }
    }

    private void drawYLabel() {
        if (chart.yLabel().isEmpty()) return;
        g.setFont(textFont);
        FontMetrics fm = g.getFontMetrics();
        AffineTransform saved = g.getTransform();
        int cx = 12 + fm.getAscent();
        int cy = (plotTop + plotBottom) / 2 + fm.stringWidth(chart.yLabel()) / 2;
        g.rotate(-Math.PI / 2, cx, cy);
        g.setColor(Color.BLACK);
        g.drawString(chart.yLabel(), cx, cy);
        g.setTransform(saved);
    }
}
