package io.fedfactory.bench.perf;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fedfactory.bench.charts.BarChart;
import io.fedfactory.perf.PerfPart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleCurvesTest {

    @TempDir
    Path dir;

    private JsonObject written(PerfPart part) throws IOException {
        return JsonParser.parseString(Files.readString(part.write(dir))).getAsJsonObject();
    }

    @Test
    void pointsBecomeAGridOfMediansWithGapsWhereACurveWasNotMeasured() throws IOException {
        PerfPart part = new PerfPart("scale");
        // Written out of x order, and the 100-class curve has no point at 10 modules.
        part.point("time", "synthesis, 10 classes", "modules", 1000, "s", new double[] {9, 7, 8});
        part.point("time", "synthesis, 10 classes", "modules", 10, "s", new double[] {0.5});
        part.point("time", "synthesis, 100 classes", "modules", 1000, "s", new double[] {12, 10});
        part.point("time", "synthesis, 100 classes", "modules", 100, "s", new double[] {2});
        part.point("time", "synthesis, 10 classes", "modules", 100, "s", new double[] {1.5});
        ScaleCurves curves = ScaleCurves.of(written(part));

        ScaleCurves.Grid g = curves.charts().get("time");
        assertEquals(List.of(10L, 100L, 1000L), g.xs());
        assertEquals(List.of("synthesis, 10 classes", "synthesis, 100 classes"), g.curves());
        assertArrayEquals(new double[] {0.5, 1.5, 8}, g.values()[0]);
        assertTrue(Double.isNaN(g.values()[1][0]));
        assertEquals(2, g.values()[1][1]);
        assertEquals(11, g.values()[1][2]); // median of an even count: the middle two's mean

        BarChart chart = curves.chart("time");
        assertEquals(List.of("10 modules", "100 modules", "1,000 modules"), chart.categories());
        assertEquals("s", chart.yLabel());
        assertEquals(8, chart.value(0, 2));
        assertEquals("scale-time.png", curves.pngName("time"));

        String md = curves.markdown();
        assertTrue(md.contains("| curve | 10 modules | 100 modules | 1,000 modules |"), md);
        assertTrue(md.contains("| synthesis, 100 classes |  | 2.000 | 11.0 |"), md);
        assertTrue(md.contains("(scale-time.png)"), md);
    }

    @Test
    void eachChartKeepsItsOwnUnitAndAMixedChartIsRefused() throws IOException {
        PerfPart part = new PerfPart("scale-upload");
        part.point("throughput", "aggregate", "concurrent sites", 1, "MB/s", new double[] {60});
        part.point("latency", "p50", "concurrent sites", 1, "ms", new double[] {50});
        ScaleCurves curves = ScaleCurves.of(written(part));
        assertEquals(List.of("throughput", "latency"), List.copyOf(curves.charts().keySet()));
        assertEquals("MB/s", curves.charts().get("throughput").unit());

        PerfPart mixed = new PerfPart("mixed");
        mixed.point("latency", "p50", "concurrent sites", 1, "ms", new double[] {50});
        mixed.point("latency", "p99", "concurrent sites", 10, "s", new double[] {0.2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScaleCurves.of(written(mixed)));
        assertTrue(e.getMessage().contains("unit (ms)"), e.getMessage());

        PerfPart twice = new PerfPart("twice");
        twice.point("latency", "p50", "concurrent sites", 1, "ms", new double[] {50});
        twice.point("latency", "p50", "concurrent sites", 1, "ms", new double[] {51});
        e = assertThrows(IllegalArgumentException.class, () -> ScaleCurves.of(written(twice)));
        assertTrue(e.getMessage().contains("two points of p50"), e.getMessage());
    }

    @Test
    void theReportPutsCurvesInTheirOwnSectionAndKeepsComparedPartsInTheTable() throws IOException {
        PerfPart compared = new PerfPart("upload");
        compared.compare("module upload", "throughput", "MB/s", new double[] {100}, new double[] {80}, true, 0.8);
        compared.write(dir);
        PerfPart scale = new PerfPart("scale-upload");
        scale.point("throughput", "aggregate", "concurrent sites", 50, "MB/s", new double[] {70});
        scale.write(dir);
        assertNull(ScaleCurves.of(JsonParser.parseString(Files.readString(dir.resolve("upload.json"))).getAsJsonObject()));

        String md = Perf.render(dir, dir.resolve("no-summary.json"), "bench/perf");
        String table = md.substring(0, md.indexOf("## Settings"));
        assertTrue(table.contains("| upload | module upload |"), table);
        assertFalse(table.contains("scale-upload"), table);
        String section = md.substring(md.indexOf("## Scale curves"));
        assertTrue(section.contains("| aggregate | 70.0 |"), section);
        assertTrue(section.contains("(scale-upload-throughput.png)"), section);
    }
}
