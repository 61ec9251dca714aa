package io.fedfactory.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The joined table over result folders that real tiny runs of bench/run wrote, and its refusals. */
class TableTest {

    @TempDir
    static Path dir;
    static Path central;
    static Path fedavg;

    @BeforeAll
    static void runTwoConfigs() throws IOException {
        central = experiment("tiny-central", "methods=centralized");
        fedavg = experiment("tiny-fedavg", "methods=fedavg");
    }

    private static Path experiment(String name, String... extra) throws IOException {
        Path config = dir.resolve(name + ".properties");
        StringBuilder text = new StringBuilder(String.join("\n", "name=" + name, "split=silo", "sites=10", "seeds=7,8",
                "data.trainPerClass=20", "data.evalPerClass=10", "classifier.epochs=1", "fedavg.rounds=1", ""));
        for (String e : extra) text.append(e).append('\n');
        Files.writeString(config, text);
        Path out = dir.resolve(name);
        int code = Experiment.run(new String[] {"--config", config.toString(), "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code, name);
        return out;
    }

    private static double meanAccuracy(Path folder, String method) throws IOException {
        JsonObject r = JsonParser.parseString(Files.readString(folder.resolve("results.json"))).getAsJsonObject();
        return r.getAsJsonObject("summary").getAsJsonObject(method).getAsJsonObject("accuracy").get("mean").getAsDouble();
    }

    @Test
    void joinsFoldersWithRatiosAgainstTheOneCentralizedRow() throws IOException {
        Path out = dir.resolve("joined/table.md");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code = Table.run(new String[] {"--out", out.toString(), "--title", "Tiny", central.toString(), fedavg.toString()},
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        String md = Files.readString(out);
        assertEquals(md, printed.toString(StandardCharsets.UTF_8), "the file and standard output hold the same table");
        assertTrue(md.startsWith("# Tiny\n"));
        String ratio = String.format(Locale.ROOT, "%.3f", meanAccuracy(fedavg, "fedavg") / meanAccuracy(central, "centralized"));
        String fedavgRow = md.lines().filter(l -> l.startsWith("| FedAvg")).findFirst().orElseThrow();
        assertTrue(fedavgRow.contains("| tiny-fedavg |") && fedavgRow.contains("| " + ratio + " |"), fedavgRow);
        assertTrue(fedavgRow.contains("(upload)"), "FedAvg's bytes are its uploads: " + fedavgRow);
        assertTrue(md.contains("| centralized (pooled real data) | tiny-central |"), md);
        assertTrue(md.contains("| class | centralized (tiny-central) | fedavg (tiny-fedavg) |"), "F1 beside centralized");
        assertTrue(md.contains("| Shirt |"), md);
        assertTrue(md.contains("| tiny-fedavg | `"), "each config's command is listed");
    }

    @Test
    void refusesAFolderOfAnotherRecipeNamingTheField() throws IOException {
        Path other = experiment("tiny-epochs", "methods=fedavg", "classifier.epochs=2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Table.markdown("t", List.of(central, other), false, "test"));
        assertTrue(e.getMessage().startsWith("tiny-epochs: classifierRecipe.epochs is 2 where tiny-central has 1"), e.getMessage());
    }

    @Test
    void refusesOtherSeedsAndTwoCentralizedRows() throws IOException {
        Path seeds = experiment("tiny-seeds", "methods=fedavg", "seeds=7");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Table.markdown("t", List.of(central, seeds), false, "test"));
        assertTrue(e.getMessage().startsWith("tiny-seeds: seeds=7 where tiny-central has seeds=7,8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Table.markdown("t", List.of(central, central), false, "test"));
        assertTrue(e.getMessage().contains("both run centralized"), e.getMessage());
    }

    @Test
    void refusesAPartialRunUnlessAllowedAndThenMarksIt() throws IOException {
        Path partial = dir.resolve("tiny-partial");
        Files.createDirectories(partial);
        JsonObject r = JsonParser.parseString(Files.readString(fedavg.resolve("results.json"))).getAsJsonObject();
        JsonArray runs = r.getAsJsonArray("runs");
        runs.remove(runs.size() - 1);
        Files.writeString(partial.resolve("results.json"), r.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Table.markdown("t", List.of(central, partial), false, "test"));
        assertTrue(e.getMessage().startsWith("tiny-partial: its run stopped after 1 of 2 runs"), e.getMessage());
        String md = Table.markdown("t", List.of(central, partial), true, "test");
        assertTrue(md.contains("(1 of 2 seeds)") && md.contains("| 1 of 2 (partial) |"), md);
    }

    @Test
    void namesTheFolderAndTheFaultOfABadInput() throws IOException {
        Path missing = dir.resolve("no-such-run");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Table.markdown("t", List.of(missing), false, "test"));
        assertEquals(missing + ": no such folder", e.getMessage());
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("results.json"), "{\"config\": {}}");
        e = assertThrows(IllegalArgumentException.class, () -> Table.markdown("t", List.of(broken), false, "test"));
        assertTrue(e.getMessage().contains("results.json: not a results.json of bench/run (field 'train' is missing)"),
                e.getMessage());
    }
}
