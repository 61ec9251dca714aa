package io.fedfactory.lineage;

import com.google.protobuf.util.JsonFormat;
import io.fedfactory.classifier.Augmentation;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.LearningRateSchedule;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TrainedModule;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ImageSpec;
import io.fedfactory.proto.v1.ModelLineage;
import io.fedfactory.synthesis.EvenSplitPlanner;
import io.fedfactory.synthesis.SynthesisListener;
import io.fedfactory.synthesis.SynthesisPlan;
import io.fedfactory.synthesis.SynthesisResult;
import io.fedfactory.synthesis.Synthesizer;
import io.fedfactory.synthesis.TestModules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineageRetrainingTest {

    @Test
    void aFreshJvmRetrainsTheSameWeightsFromTheLineageAlone(@TempDir Path dir) throws Exception {
        List<TrainedModule> modules = List.of(TestModules.decoder(0, 11), TestModules.decoder(1, 12),
                TestModules.decoder(2, 13), TestModules.decoder(0, 14));
        var s = TestModules.SPEC;
        FederationSpec spec = FederationSpec.newBuilder().setFederationId("lineage-test").setSeed(77)
                .addAllLabelNames(TestModules.LABELS).setSamplesPerClass(40)
                .setImageSpec(ImageSpec.newBuilder().setChannels(s.channels()).setHeight(s.height()).setWidth(s.width())
                        .setValueMin(s.valueMin()).setValueMax(s.valueMax()))
                .build();
        SynthesisPlan plan = new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.FAIL).plan(spec.getLabelNamesList(),
                s, spec.getSamplesPerClass(), spec.getSeed(), modules.stream().map(TrainedModule::manifest).toList());
        Map<String, byte[]> bytes = new TreeMap<>();
        Map<String, io.fedfactory.proto.v1.ModuleManifest> wire = new TreeMap<>();
        for (TrainedModule m : modules) {
            bytes.put(m.id(), m.onnx());
            wire.put(m.id(), WireManifests.toWire(m.manifest()));
        }
        SamplingOptions sampling = SamplingOptions.defaults().withThreads(2);
        SynthesisResult synthesis = new Synthesizer(sampling).synthesize(plan, bytes::get, dir.resolve("shards"),
                SynthesisListener.NONE);
        ClassifierRecipe recipe = new ClassifierRecipe(4, List.of(1, 1), 2, 16, 0.05f, 0.9f, 1e-4f,
                LearningRateSchedule.COSINE, Augmentation.cropAndFlip(1), 5L, 2);
        TrainedClassifier trained = new ClassifierTrainer(recipe).train(synthesis.load("lineage-test synthetic"));
        ModelLineage lineage = LineageRecord.of(spec, recipe, synthesis, sampling, wire, trained, "test");
        assertEquals(trained.weightHash(), lineage.getWeightSha256());
        assertEquals(recipe, LineageRecord.recipe(lineage.getRecipe()));

        // The auditor's copy: plan entries and module files in another order, files under other names.
        List<io.fedfactory.proto.v1.PlannedModule> reordered = new ArrayList<>(lineage.getPlanList());
        Collections.reverse(reordered);
        ModelLineage shuffled = lineage.toBuilder().clearPlan().addAllPlan(reordered).build();
        Path lineageFile = Files.writeString(dir.resolve("lineage.json"), JsonFormat.printer().print(shuffled));
        Path moduleDir = Files.createDirectories(dir.resolve("modules"));
        List<TrainedModule> reversed = new ArrayList<>(modules);
        Collections.reverse(reversed);
        for (int i = 0; i < reversed.size(); i++) Files.write(moduleDir.resolve("copy-" + i + ".onnx"), reversed.get(i).onnx());

        Path out = dir.resolve("probe.out");
        Path err = dir.resolve("probe.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + dir, "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1",
                LineageProbe.class.getName(), lineageFile.toString(), moduleDir.toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "probe JVM did not finish within 180 s");
        } finally {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "probe JVM failed:\n" + Files.readString(err, StandardCharsets.UTF_8));
        assertTrue(stdout.contains("shard-mismatches=0"), stdout);
        String line = stdout.lines().filter(l -> l.startsWith(LineageProbe.PREFIX)).findFirst()
                .orElseThrow(() -> new AssertionError("probe printed no hash:\n" + stdout));
        assertEquals(lineage.getWeightSha256(), line.substring(LineageProbe.PREFIX.length()));
    }

    @Test
    void theLineageTravelsInTheOnnxMetadata() throws Exception {
        TrainedModule m = TestModules.decoder(0, 3);
        ModelLineage lineage = ModelLineage.newBuilder().setFederationId("f").setWeightSha256("ab".repeat(32))
                .addPlan(io.fedfactory.proto.v1.PlannedModule.newBuilder().setModuleId(m.id()).setSamples(3)).build();
        byte[] stamped = LineageRecord.stamp(m.onnx(), lineage);
        assertEquals(lineage, LineageRecord.read(stamped).orElseThrow());
        assertTrue(LineageRecord.read(m.onnx()).isEmpty());
    }

    @Test
    void aWrongModuleIsNamed(@TempDir Path dir) throws Exception {
        ModuleManifest manifest = TestModules.decoder(1, 21).manifest();
        Files.write(dir.resolve("other.onnx"), TestModules.decoder(1, 22).onnx());
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ModuleFiles.scan(dir).onnx(manifest.moduleId()));
        assertTrue(e.getMessage().contains(manifest.moduleId()), e.getMessage());
    }
}
