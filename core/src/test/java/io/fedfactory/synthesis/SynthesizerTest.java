package io.fedfactory.synthesis;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.data.Dataset;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TrainedModule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fedfactory.synthesis.TestModules.LABELS;
import static io.fedfactory.synthesis.TestModules.SPEC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthesizerTest {

    static final long SEED = 2026;
    static final SamplingOptions OPTIONS = new SamplingOptions(1, 2, 2, 3);

    static final Map<String, byte[]> bytes = new HashMap<>();
    static SynthesisPlan plan;

    @TempDir
    Path dir;

    @BeforeAll
    static void modules() {
        List<TrainedModule> modules = List.of(TestModules.decoder(0, 1), TestModules.decoder(0, 2),
                TestModules.decoder(1, 3), TestModules.diffusion(2, 4));
        List<ModuleManifest> manifests = new ArrayList<>();
        for (TrainedModule m : modules) {
            bytes.put(m.id(), m.onnx());
            manifests.add(m.manifest());
        }
        plan = new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.FAIL).plan(LABELS, SPEC, 5, SEED, manifests);
    }

    static ModuleSource source() {
        return id -> {
            byte[] b = bytes.get(id);
            if (b == null) throw new IOException("no module " + id);
            return b;
        };
    }

    @Test
    void writesOneShardPerModuleAndLoadsABalancedDataset() throws IOException {
        List<SynthesisProgress> progress = new ArrayList<>();
        SynthesisResult result = new Synthesizer(OPTIONS).synthesize(plan, source(), dir, progress::add);

        assertEquals(4, result.shards().size());
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count(), "one file per module and no leftovers");
        }
        for (ShardRecord r : result.shards()) {
            assertFalse(r.reused());
            assertEquals(io.fedfactory.determinism.ContentHash.sha256Hex(Files.readAllBytes(r.file())), r.sha256());
            assertTrue(r.file().getFileName().toString().startsWith(r.moduleId() + "-n" + r.count() + "-s7ea"));
        }
        Dataset d = result.load("synthetic");
        assertArrayEquals(new int[] {5, 5, 5}, d.classCounts());
        assertEquals(LABELS, d.labelNames());

        SynthesisProgress last = progress.get(progress.size() - 1);
        assertEquals(15, last.done());
        assertEquals(15, last.total());
        assertTrue(last.eta().isPresent());
        for (int i = 1; i < progress.size(); i++) assertTrue(progress.get(i).done() > progress.get(i - 1).done());
        assertTrue(progress.size() >= 8, "one report per batch of 2: " + progress.size());
    }

    @Test
    void anySampleCanBeRegeneratedAloneFromItsDerivedSeed() throws IOException {
        SynthesisResult result = new Synthesizer(OPTIONS).synthesize(plan, source(), dir, SynthesisListener.NONE);
        for (ShardRecord r : result.shards()) {
            ShardReader.Shard shard = ShardReader.read(r.file());
            Allocation a = plan.allocations().stream().filter(x -> x.moduleId().equals(r.moduleId())).findFirst().orElseThrow();
            int i = r.count() - 1;
            try (ModuleSampler s = ModuleSampler.open(bytes.get(r.moduleId()), a.module(), OPTIONS)) {
                float[] alone = s.sample(new long[] {SplitMix64.derive(SEED, "sample", r.moduleId(), i)});
                int p = SPEC.pixels();
                assertArrayEquals(Arrays.copyOfRange(shard.pixels(), i * p, (i + 1) * p), alone, r.moduleId());
            }
        }
    }

    @Test
    void shardsDoNotDependOnBatchingOrThreads(@TempDir Path other) throws IOException {
        SynthesisResult a = new Synthesizer(OPTIONS).synthesize(plan, source(), dir, SynthesisListener.NONE);
        SynthesisResult b = new Synthesizer(new SamplingOptions(2, 7, 7, 3)).synthesize(plan, source(), other,
                SynthesisListener.NONE);
        assertEquals(a.hashesByFileName(), b.hashesByFileName());
    }

    @Test
    void shardsDoNotDependOnHowManySamplersShareTheWork(@TempDir Path other) throws IOException {
        // Batches of 2 sampled by 3 threads at once, appended in order; every shard has more batches than threads.
        SynthesisPlan larger = new EvenSplitPlanner(EvenSplitPlanner.UncoveredClasses.FAIL).plan(LABELS, SPEC, 14, SEED,
                plan.allocations().stream().map(Allocation::module).distinct().toList());
        SynthesisResult a = new Synthesizer(OPTIONS).synthesize(larger, source(), dir, SynthesisListener.NONE);
        SynthesisResult b = new Synthesizer(OPTIONS.withSamplers(3)).synthesize(larger, source(), other,
                SynthesisListener.NONE);
        assertTrue(a.shards().stream().allMatch(r -> r.count() > 3 * OPTIONS.decoderBatchSize()));
        assertEquals(a.hashesByFileName(), b.hashesByFileName());
        for (ShardRecord r : a.shards()) {
            assertArrayEquals(Files.readAllBytes(r.file()), Files.readAllBytes(other.resolve(r.file().getFileName())));
        }
    }

    @Test
    void reusesValidCachedShardsAndRegeneratesDamagedOnes() throws IOException {
        Synthesizer synthesizer = new Synthesizer(OPTIONS);
        SynthesisResult first = synthesizer.synthesize(plan, source(), dir, SynthesisListener.NONE);
        for (ShardRecord r : first.shards()) Files.setLastModifiedTime(r.file(), FileTime.fromMillis(0));

        List<SynthesisProgress> progress = new ArrayList<>();
        SynthesisResult second = synthesizer.synthesize(plan, source(), dir, progress::add, first.hashesByFileName());
        assertTrue(second.shards().stream().allMatch(ShardRecord::reused));
        assertEquals(first.hashesByFileName(), second.hashesByFileName());
        for (ShardRecord r : second.shards()) assertEquals(0, Files.getLastModifiedTime(r.file()).toMillis());
        assertEquals(15, progress.get(progress.size() - 1).done());

        // A flipped pixel keeps the file valid, so only the known hash can catch it.
        Path flipped = first.shards().get(0).file();
        try (RandomAccessFile raf = new RandomAccessFile(flipped.toFile(), "rw")) {
            raf.seek(ShardHeader.BYTES);
            raf.write(0);
        }
        Path truncated = first.shards().get(1).file();
        try (RandomAccessFile raf = new RandomAccessFile(truncated.toFile(), "rw")) {
            raf.setLength(raf.length() - 1);
        }
        SynthesisResult third = synthesizer.synthesize(plan, source(), dir, SynthesisListener.NONE, first.hashesByFileName());
        assertEquals(first.hashesByFileName(), third.hashesByFileName(), "regenerated shards are identical");
        assertFalse(third.shards().get(0).reused());
        assertFalse(third.shards().get(1).reused());
        assertTrue(third.shards().get(2).reused());
    }

    @Test
    void missingModuleBytesFailWithTheModuleNamed() {
        IOException e = assertThrows(IOException.class, () -> new Synthesizer(OPTIONS).synthesize(plan,
                id -> { throw new IOException("no module " + id); }, dir, SynthesisListener.NONE));
        assertTrue(e.getMessage().contains(plan.allocations().get(0).moduleId()), e.getMessage());
    }
}
