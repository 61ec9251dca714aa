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
                "name=tiny", "split=silo", "sites=10", "methods=centralized,fedavg,ff-decoder,ff-diffusion,ff-latent-diffusion,ff-ensemble,ff-poe",
                "seeds=7,8", "modules.minImages=5", "latent.denoiserWidth=16", "latent.denoiserSteps=2",
                "latent.samplerSteps=2", "synthesis.latentPerClass=10", "poe.perClass=3",
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
        assertEquals(14, results.getAsJsonArray("runs").size(), "7 methods x 2 seeds");
        JsonObject first = results.getAsJsonArray("runs").get(0).getAsJsonObject();
        JsonObject report = first.getAsJsonObject("report");
        assertEquals(100, report.get("examples").getAsInt());
        assertEquals(10, report.getAsJsonArray("confusion").size());
        JsonObject summary = results.getAsJsonObject("summary");
        for (String m : new String[] {"centralized", "fedavg", "ff-decoder", "ff-diffusion", "ff-latent-diffusion", "ff-ensemble",
                "ff-poe"}) {
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
        // The ensemble's modules are exactly the union of the decoder and latent-diffusion methods' modules of
        // the same seed (each module from the seed its single-kind method gives it): counts and bytes add up.
        for (String seed : new String[] {"7", "8"}) {
            JsonObject decoder = run(results, "ff-decoder", seed);
            JsonObject latent = run(results, "ff-latent-diffusion", seed);
            JsonObject ensemble = run(results, "ff-ensemble", seed);
            assertEquals(modules(decoder) + modules(latent), modules(ensemble), "ensemble modules, seed " + seed);
            var d = decoder.getAsJsonArray("bytesSentPerSite");
            var l = latent.getAsJsonArray("bytesSentPerSite");
            var e = ensemble.getAsJsonArray("bytesSentPerSite");
            for (int s = 0; s < e.size(); s++) {
                assertEquals(d.get(s).getAsLong() + l.get(s).getAsLong(), e.get(s).getAsLong(), "site " + s + " bytes, seed " + seed);
            }
            assertEquals(10 * 10, ensemble.getAsJsonObject("details").get("syntheticImages").getAsInt(),
                    "synthesis.latentPerClass per class, split over the class's two modules");
        }
        // Local mode moves more than server mode: modules come down to every site and classifiers go up.
        assertTrue(summary.getAsJsonObject("ff-poe").getAsJsonObject("bytesSentPerSite").get("mean").getAsDouble()
                > summary.getAsJsonObject("ff-decoder").getAsJsonObject("bytesSentPerSite").get("mean").getAsDouble());

        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| method | accuracy (mean ± std)"), md);
        assertTrue(md.contains("FedAvg (1 rounds × 1 local epoch)"), md);
        assertTrue(md.contains("--config " + config), "the command is recorded");
        for (String png : new String[] {"accuracy.png", "samples-real.png", "samples-decoder.png", "samples-diffusion.png",
                "samples-latent-diffusion.png", "samples-ensemble.png"}) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png);
            assertTrue(img.getWidth() > 50 && img.getHeight() > 50, png);
        }
        assertTrue(Files.exists(out.resolve("config.properties")) && Files.exists(out.resolve("command.txt")));
        assertTrue(!Files.exists(out.resolve("work")), "shards are cleaned up");
    }

    private static JsonObject run(JsonObject results, String method, String seed) {
        for (var r : results.getAsJsonArray("runs")) {
            JsonObject o = r.getAsJsonObject();
            if (o.get("method").getAsString().equals(method) && o.get("seed").getAsString().equals(seed)) return o;
        }
        throw new AssertionError("no run of " + method + " with seed " + seed);
    }

    private static int modules(JsonObject run) {
        return run.getAsJsonObject("details").get("modules").getAsInt();
    }

    @Test
    void privateMethodsReachTheirEpsilonAndEveryModuleIsAuditedAndAttacked(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("private.properties");
        Files.writeString(config, String.join("\n",
                "name=private", "split=silo", "sites=10", "methods=ff-decoder-dp2,ff-decoder-dp8.5,ff-decoder",
                "seeds=5", "modules.minImages=5", "privacy.audit=true", "privacy.holdOut=0.25",
                "privacy.auditSamples=20", "privacy.attackSamples=20", "dp.microbatch=4",
                "data.trainPerClass=24", "data.evalPerClass=10", "classifier.epochs=1", "decoder.epochs=2",
                "decoder.hiddenWidth=32", "decoder.latentDim=4", "synthesis.decoderPerClass=10", "grid.perClass=2", ""));
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, Experiment.run(new String[] {"--config", config.toString(), "--out", out.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8)), log.toString(StandardCharsets.UTF_8));
        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(3, results.getAsJsonArray("runs").size(), results.getAsJsonArray("failures").toString());
        for (var run : results.getAsJsonArray("runs")) {
            JsonObject r = run.getAsJsonObject();
            String method = r.get("method").getAsString();
            var modules = r.getAsJsonObject("details").getAsJsonArray("privacy");
            assertEquals(10, modules.size(), method + ": one audit per module");
            for (var m : modules) {
                JsonObject f = m.getAsJsonObject();
                // 24 images of the class, a quarter held out: the module trains on 18 and is audited against 6.
                assertEquals(18, f.get("trainingImages").getAsInt());
                assertEquals(6, f.get("heldOutImages").getAsInt());
                double auc = f.get("attackAuc").getAsDouble();
                assertTrue(auc >= 0 && auc <= 1, method + " AUC " + auc);
                var target = ExperimentConfig.targetEpsilon(method);
                if (target.isPresent()) {
                    double e = f.get("epsilon").getAsDouble();
                    assertTrue(e <= target.getAsDouble() && e > target.getAsDouble() * 0.999, method + ": epsilon " + e);
                } else {
                    assertTrue(!f.has("epsilon"), method + " trains without DP");
                }
            }
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("## Privacy of the modules"), md);
        assertTrue(md.contains("FF-decoder with DP-SGD, epsilon 8.5 at delta 1.0E-5"), md);
        BufferedImage plot = ImageIO.read(out.resolve("accuracy-vs-epsilon.png").toFile());
        assertNotNull(plot);
    }

    @Test
    void theRoundBudgetIsChosenFromAccuracyAfterEveryRoundOnValidation(@TempDir Path dir) throws Exception {
        Path out = runTo(dir, "name=rounds", "split=silo", "sites=10", "methods=fedavg,fedprox", "seeds=5,6",
                "evaluation=validation", "validation.size=100", "data.trainPerClass=20", "fedavg.rounds=3",
                "fedavg.evaluateEveryRound=true", "grid.perClass=2");
        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(4, results.getAsJsonArray("runs").size());
        for (var run : results.getAsJsonArray("runs")) {
            JsonObject r = run.getAsJsonObject();
            var perRound = r.getAsJsonObject("details").getAsJsonArray("evaluationAccuracyPerRound");
            assertEquals(3, perRound.size(), r.get("method") + ": one figure per round");
            // The model after the last round is the model the run returns and evaluates.
            assertEquals(r.getAsJsonObject("report").get("accuracy").getAsDouble(), perRound.get(2).getAsDouble(), 1e-9,
                    r.get("method") + " seed " + r.get("seed"));
            for (var a : perRound) assertTrue(a.getAsDouble() >= 0 && a.getAsDouble() <= 1, perRound.toString());
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("## Accuracy after each round (validation split"), md);
        assertTrue(md.contains("| 3 |"), md);
        BufferedImage png = ImageIO.read(out.resolve("accuracy-per-round.png").toFile());
        assertNotNull(png);
        assertEquals(1200, png.getWidth());
    }

    @Test
    void theInputLowPassReachesServerModeAndTheLocalModesSiteClassifiersButNotTheBaselines(@TempDir Path dir) throws Exception {
        Path out = runTo(dir, "name=blur", "split=silo", "sites=10", "methods=centralized,ff-decoder,ff-poe", "seeds=9",
                "modules.minImages=5", "poe.perClass=3", "data.trainPerClass=20", "data.evalPerClass=5",
                "classifier.epochs=1", "decoder.epochs=1", "decoder.hiddenWidth=32", "decoder.latentDim=4",
                "synthesis.decoderPerClass=10", "grid.perClass=2", "ff.inputBlur=1.5");
        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(3, results.getAsJsonArray("runs").size());
        for (var run : results.getAsJsonArray("runs")) {
            JsonObject r = run.getAsJsonObject();
            JsonObject details = r.getAsJsonObject("details");
            // Read from the recipe each classifier was trained with, not from the config.
            if (r.get("method").getAsString().equals("centralized")) {
                assertTrue(!details.has("inputBlurSigma"), "the upper bound trains on raw images: " + details);
            } else {
                assertEquals(1.5, details.get("inputBlurSigma").getAsDouble(), 1e-6, r.get("method").getAsString());
            }
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("product of site classifiers), input blur sigma 1.5 px"), md);
    }

    @Test
    void aMethodThatFailsKeepsTheFiguresOfTheOthers(@TempDir Path dir) throws Exception {
        // No site holds 1,000 images of a class, so no module is trained and every class is uncovered:
        // FF-decoder fails under both seeds, centralized is still written.
        Path config = dir.resolve("starved.properties");
        Files.writeString(config, String.join("\n",
                "name=starved", "split=dirichlet", "split.alpha=0.1", "sites=10", "methods=centralized,ff-decoder",
                "seeds=3,4", "data.trainPerClass=20", "data.evalPerClass=5", "classifier.epochs=1",
                "decoder.epochs=1", "decoder.hiddenWidth=32", "decoder.latentDim=4", "synthesis.decoderPerClass=5",
                "modules.minImages=1000", "grid.perClass=2", ""));
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(0, Experiment.run(new String[] {"--config", config.toString(), "--out", out.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8)));
        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(2, results.getAsJsonArray("runs").size(), "centralized under both seeds");
        assertEquals(2, results.getAsJsonArray("failures").size(), "ff-decoder under both seeds");
        JsonObject failure = results.getAsJsonArray("failures").get(0).getAsJsonObject();
        assertEquals("ff-decoder", failure.get("method").getAsString());
        assertTrue(failure.get("error").getAsString().contains("no module"), failure.toString());
        assertTrue(results.getAsJsonObject("summary").has("centralized"));
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("## Runs that failed"), md);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("images < modules.minImages 1000"), "skips are reported");
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

    /** Runs the experiment these settings describe through the command entry point; its output folder. */
    private static Path runTo(Path dir, String... settings) throws Exception {
        Path config = dir.resolve("experiment.properties");
        Files.writeString(config, String.join("\n", settings) + "\n");
        Path out = dir.resolve("out");
        assertEquals(0, Experiment.run(new String[] {"--config", config.toString(), "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        return out;
    }
}
