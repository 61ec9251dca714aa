package io.fedfactory.bench.charts;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BarChartTest {

    private static final Path OUT = Path.of("target", "charts-test");

    private static int countColour(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
        return n;
    }

    @Test
    void accuracyChartHasRequestedSizeAndBarsProportionalToValues() throws IOException {
        BarChart chart = BarChart.of("Accuracy by method (Fashion-MNIST, 10 silos)",
                        List.of("server mode", "local mode"),
                        List.of("FedAvg", "FederatedFactory", "centralised"),
                        new double[][] {{11.4, 12.0}, {84.3, 90.6}, {92.1, 92.1}})
                .withErrors(new double[][] {{1.2, 0.8}, {0.6, 0.4}, {Double.NaN, Double.NaN}})
                .withYLabel("accuracy (%)")
                .withValueFormat("%.1f");
        Path file = OUT.resolve("accuracy-chart.png");
        chart.writePng(file, 800, 480);
        BufferedImage png = ImageIO.read(file.toFile());
        assertNotNull(png);
        assertEquals(800, png.getWidth());
        assertEquals(480, png.getHeight());
        int fedAvg = countColour(png, BarChartRenderer.PALETTE[0]);
        int factory = countColour(png, BarChartRenderer.PALETTE[1]);
        assertTrue(fedAvg > 0 && factory > 0);
        // Bar area tracks value: FederatedFactory's bars (84.3 + 90.6) dwarf FedAvg's (11.4 + 12.0).
        double ratio = (double) factory / fedAvg;
        assertTrue(ratio > 4 && ratio < 12, "area ratio " + ratio);
    }

    @Test
    void negativeAndMissingValuesAndManySeriesStillDraw() throws IOException {
        String[] names = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
        double[][] values = new double[names.length][3];
        for (int s = 0; s < names.length; s++) for (int c = 0; c < 3; c++) values[s][c] = (s - 3) * 0.1 + c * 0.05;
        values[2][1] = Double.NaN;
        BarChart chart = BarChart.of("Delta AUROC", List.of("x", "y", "z"), List.of(names), values);
        Path file = OUT.resolve("delta-chart.png");
        chart.writePng(file, 640, 360);
        BufferedImage png = ImageIO.read(file.toFile());
        assertEquals(640, png.getWidth());
        assertTrue(countColour(png, BarChartRenderer.PALETTE[0]) > 0, "negative bars drawn");
    }

    @Test
    void inconsistentChartsAreRejected() {
        List<String> cats = List.of("x", "y");
        List<String> series = List.of("s");
        assertThrows(IllegalArgumentException.class, () -> BarChart.of("t", cats, series, new double[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> BarChart.of("t", cats, series, new double[][] {{1, 2}, {3, 4}}));
        assertThrows(IllegalArgumentException.class,
                () -> BarChart.of("t", cats, series, new double[][] {{1, Double.POSITIVE_INFINITY}}));
        BarChart ok = BarChart.of("t", cats, series, new double[][] {{1, 2}});
        assertThrows(IllegalArgumentException.class, () -> ok.withErrors(new double[][] {{-1, 0}}));
        assertThrows(IllegalArgumentException.class, () -> ok.withValueFormat("%d"));
        assertThrows(IllegalArgumentException.class, () -> ok.render(100, 100));
        assertThrows(IllegalArgumentException.class, () -> BarChart.of("t", List.of(), series, new double[][] {{}}));
    }
}
