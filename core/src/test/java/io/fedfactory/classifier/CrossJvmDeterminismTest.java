package io.fedfactory.classifier;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossJvmDeterminismTest {

    @Test
    void aFreshJvmTrainsBitIdenticalWeights() throws Exception {
        String here = DeterminismProbe.train().weightHash();

        Path out = Files.createTempFile("probe", ".out");
        Path err = Files.createTempFile("probe", ".err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx1g",
                "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                // The JVM's own default is 1 thread: the recipe's pinned count must win.
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                DeterminismProbe.class.getName()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish within 120 s");
        } finally {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "probe JVM failed:\n" + Files.readString(err, StandardCharsets.UTF_8));
        String line = stdout.lines().filter(l -> l.startsWith(DeterminismProbe.PREFIX)).findFirst()
                .orElseThrow(() -> new AssertionError("probe printed no hash:\n" + stdout));
        assertEquals(here, line.substring(DeterminismProbe.PREFIX.length()));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }

    /** Different bits at another count show the recipe's count really reaches libtorch. */
    @Test
    void theRecipesThreadCountIsApplied() {
        TrainedClassifier two = DeterminismProbe.train();
        TrainedClassifier one = new ClassifierTrainer(two.recipe().withThreads(1))
                .train(TestImages.patterns("probe", two.spec(), 4, 20, 3));
        assertNotEquals(two.weightHash(), one.weightHash());
        assertEquals(1, one.provenance().threads());
    }
}
