package io.fedfactory.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every method on a few hundred real Fashion-MNIST images, with tiny budgets, through the command entry point. */
class ExperimentEndToEndTest {

    @Test
    void tinyRunWritesParseableResults(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.properties");
        Files.writeString(config, String.join("\n",
                "name=tiny", "split=silo", "sites=10", "methods=centralized,fedavg,ff-decoder,ff-diffusion", "seeds=7,8",
                "data.trainPerClass=20", "data.evalPerClass=10", "classifier.epochs=1", "fedavg.rounds=1",
                "decoder.epochs=1", "decoder.hiddenWidth=32", "decoder.latentDim=4", "diffusion.width=4",
                "diffusion.steps=2", "diffusion.batchSize=8", "diffusion.samplerSteps=2",
                "synthesis.decoderPerClass=10", "synthesis.diffusionPerClass=2", "grid.perClass=2", ""));
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int code = Experiment.run(new String[] {"--config", config.toString(), "--out", out.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("ETA"), "progress lines carry an ETA");

        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(8, results.getAsJsonArray("runs").size(), "4 methods x 2 seeds");
        JsonObject first = results.getAsJsonArray("runs").get(0).getAsJsonObject();
        JsonObject report = first.getAsJsonObject("report");
        assertEquals(100, report.get("examples").getAsInt());
        assertEquals(10, report.getAsJsonArray("confusion").size());
        JsonObject summary = results.getAsJsonObject("summary");
        for (String m : new String[] {"centralized", "fedavg", "ff-decoder", "ff-diffusion"}) {
            JsonObject s = summary.getAsJsonObject(m);
            // Each run's accuracy is what its confusion matrix says, and the summary is their mean.
            double sum = 0;
            int n = 0;
            for (var run : results.getAsJsonArray("runs")) {
                JsonObject r = run.getAsJsonObject();
                if (!r.get("method").getAsString().equals(m)) continue;
                JsonObject rep = r.getAsJsonObject("report");
                long correct = 0;
                long total = 0;
                var confusion = rep.getAsJsonArray("confusion");
                for (int t = 0; t < confusion.size(); t++) {
                    var row = confusion.get(t).getAsJsonArray();
                    for (int q = 0; q < row.size(); q++) {
                        total += row.get(q).getAsLong();
                        if (q == t) correct += row.get(q).getAsLong();
                    }
                }
                assertEquals(100, total, m + ": every evaluation image is counted once");
                assertEquals((double) correct / total, rep.get("accuracy").getAsDouble(), 1e-6, m + " accuracy vs confusion");
                sum += rep.get("accuracy").getAsDouble();
                n++;
            }
            assertEquals(2, n, m + " runs");
            assertEquals(sum / n, s.getAsJsonObject("accuracy").get("mean").getAsDouble(), 1e-5, m + " mean accuracy");
            assertEquals(2, s.getAsJsonObject("accuracy").get("n").getAsInt());
            assertTrue(s.getAsJsonObject("phaseSeconds").size() >= 2, m + " phases");
        }
        assertTrue(summary.getAsJsonObject("ff-decoder").getAsJsonObject("bytesSentPerSite").get("mean").getAsDouble() > 0);
        assertTrue(summary.getAsJsonObject("fedavg").getAsJsonObject("bytesSentPerSite").get("mean").getAsDouble() > 0);

        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| method | accuracy (mean ± std)"), md);
        assertTrue(md.contains("FedAvg (1 rounds × 1 local epoch)"), md);
        assertTrue(md.contains("--config " + config), "the command is recorded");
        for (String png : new String[] {"accuracy.png", "samples-real.png", "samples-decoder.png", "samples-diffusion.png"}) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png);
            assertTrue(img.getWidth() > 50 && img.getHeight() > 50, png);
        }
        assertTrue(Files.exists(out.resolve("config.properties")) && Files.exists(out.resolve("command.txt")));
        assertTrue(!Files.exists(out.resolve("work")), "shards are cleaned up");
    }

    @Test
    void helpAndBadArguments() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, Experiment.run(new String[] {"--help"}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("Usage: bench/run"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Experiment.run(new String[] {"--frobnicate"}, System.out));
        assertTrue(e.getMessage().contains("unknown argument '--frobnicate'"));
        e = assertThrows(IllegalArgumentException.class,
                () -> Experiment.run(new String[] {"--config", "/nonexistent/x.properties"}, System.out));
        assertTrue(e.getMessage().contains("/nonexistent/x.properties does not exist"));
    }
}
