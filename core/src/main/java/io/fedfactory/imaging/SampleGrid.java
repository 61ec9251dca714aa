package io.fedfactory.imaging;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A picture of samples: one row per class, its name on the left, images enlarged by an integer
 * factor without smoothing so that single pixels stay visible. Values are mapped from the spec's
 * range to 0..255 and clamped, so out-of-range samples from a generator show as saturated.
 *
 * @param spec     shape and value range of every image
 * @param rowNames one name per row
 * @param rows     per row, the images (CHW floats) to show; rows may differ in length
 * @param scale    enlargement factor, 1 to 16
 */
public record SampleGrid(ImageSpec spec, List<String> rowNames, List<List<float[]>> rows, int scale) {

    static final int GAP = 2;
    static final int LABEL_PADDING = 8;

    public SampleGrid {
        rowNames = List.copyOf(rowNames);
        List<List<float[]>> copy = new ArrayList<>();
        for (List<float[]> row : rows) {
            List<float[]> r = new ArrayList<>();
            for (float[] img : row) {
                if (img.length != spec.pixels()) {
                    throw new IllegalArgumentException("sample grid: an image of row " + copy.size() + " has "
                            + img.length + " values, spec " + spec + " needs " + spec.pixels());
                }
                r.add(img.clone());
            }
            copy.add(List.copyOf(r));
        }
        rows = List.copyOf(copy);
        if (rowNames.size() != rows.size()) {
            throw new IllegalArgumentException("sample grid: " + rowNames.size() + " row names for " + rows.size() + " rows");
        }
        if (rows.isEmpty()) throw new IllegalArgumentException("sample grid: no rows");
        if (scale < 1 || scale > 16) throw new IllegalArgumentException("sample grid: scale must be in [1, 16], got " + scale);
    }

    /** The first {@code perClass} images of every class present in {@code data}, one row per class. */
    public static SampleGrid of(Dataset data, int perClass, int scale) {
        if (perClass < 1) throw new IllegalArgumentException("sample grid: perClass must be >= 1, got " + perClass);
        List<List<float[]>> byClass = new ArrayList<>();
        for (int c = 0; c < data.numClasses(); c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < data.size(); i++) {
            List<float[]> row = byClass.get(data.label(i));
            if (row.size() < perClass) row.add(data.image(i));
        }
        List<String> names = new ArrayList<>();
        List<List<float[]>> rows = new ArrayList<>();
        for (int c = 0; c < data.numClasses(); c++) {
            if (byClass.get(c).isEmpty()) continue;
            names.add(data.labelNames().get(c));
            rows.add(byClass.get(c));
        }
        return new SampleGrid(data.spec(), names, rows, scale);
    }

    /** A copy: the images are not shared with the grid. */
    @Override
    public List<List<float[]>> rows() {
        List<List<float[]>> out = new ArrayList<>();
        for (List<float[]> row : rows) out.add(row.stream().map(float[]::clone).toList());
        return List.copyOf(out);
    }

    public int columns() {
        return rows.stream().mapToInt(List::size).max().orElse(0);
    }

    /** Side of one enlarged image cell in pixels: width, then height. */
    public int cellWidth() {
        return spec.width() * scale;
    }

    public int cellHeight() {
        return spec.height() * scale;
    }

    public BufferedImage render() {
        PngFiles.ensureHeadless();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, Math.min(16, cellHeight() / 2)));
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        int labelWidth = 0;
        for (String n : rowNames) labelWidth = Math.max(labelWidth, fm.stringWidth(n));
        pg.dispose();
        labelWidth += 2 * LABEL_PADDING;

        int rowHeight = Math.max(cellHeight(), fm.getHeight());
        int width = labelWidth + GAP + columns() * (cellWidth() + GAP);
        int height = GAP + rows.size() * (rowHeight + GAP);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        g.setColor(Color.BLACK);
        for (int r = 0; r < rows.size(); r++) {
            int top = GAP + r * (rowHeight + GAP);
            String name = rowNames.get(r);
            int baseline = top + (rowHeight - fm.getHeight()) / 2 + fm.getAscent();
            g.drawString(name, labelWidth - LABEL_PADDING - fm.stringWidth(name), baseline);
            List<float[]> row = rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                drawImage(out, row.get(c), labelWidth + GAP + c * (cellWidth() + GAP), top + (rowHeight - cellHeight()) / 2);
            }
        }
        g.dispose();
        return out;
    }

    public void writePng(Path file) throws IOException {
        PngFiles.write(render(), file);
    }

    /** The rendered grid as PNG bytes (what a web page shows). */
    public byte[] toPng() throws IOException {
        return PngFiles.encode(render());
    }

    private void drawImage(BufferedImage out, float[] chw, int x0, int y0) {
        int h = spec.height(), w = spec.width(), plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int rgb;
                if (spec.channels() == 1) {
                    int v = toByte(chw[p]);
                    rgb = v << 16 | v << 8 | v;
                } else {
                    rgb = toByte(chw[p]) << 16 | toByte(chw[plane + p]) << 8 | toByte(chw[2 * plane + p]);
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) out.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                }
            }
        }
    }

    /** Maps the spec's range to 0..255, clamping; NaN shows as black. */
    int toByte(float v) {
        float t = (v - spec.valueMin()) / (spec.valueMax() - spec.valueMin()) * 255f;
        if (Float.isNaN(t)) return 0;
        return Math.round(Math.max(0f, Math.min(255f, t)));
    }
}
