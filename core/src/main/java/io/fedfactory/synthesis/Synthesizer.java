package io.fedfactory.synthesis;

import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.ModuleSampler;
import io.fedfactory.generative.SamplingOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executes a {@link SynthesisPlan}: samples every allocated module with ONNX Runtime and writes one
 * shard file per module. Sample i of a module comes from {@link SplitMix64#derive}(federation seed,
 * "sample", module id, i), so a shard depends only on the plan, never on batching or thread count.
 *
 * <p>Shard files are named by everything their content depends on ({@link #shardFileName}); a file
 * already there under that name is reused when its header matches and, if a hash is known for it, its
 * SHA-256 matches. Otherwise it is regenerated.
 */
public final class Synthesizer {

    private final SamplingOptions options;

    public Synthesizer(SamplingOptions options) {
        this.options = Objects.requireNonNull(options);
    }

    /** The cache name of a shard: module id, sample count, federation seed, and Heun steps (diffusion). */
    public static String shardFileName(String moduleId, int count, long federationSeed, int diffusionSteps) {
        return moduleId + "-n" + count + "-s" + Long.toHexString(federationSeed)
                + (diffusionSteps > 0 ? "-h" + diffusionSteps : "") + ".ffshard";
    }

    public SynthesisResult synthesize(SynthesisPlan plan, ModuleSource modules, Path directory,
                                      SynthesisListener listener) throws IOException {
        return synthesize(plan, modules, directory, listener, Map.of());
    }

    /**
     * @param knownHashes shard file name to expected SHA-256, for example from an earlier run's
     *                    {@link SynthesisResult#hashesByFileName()}; cached files that differ are regenerated
     */
    public SynthesisResult synthesize(SynthesisPlan plan, ModuleSource modules, Path directory,
                                      SynthesisListener listener, Map<String, String> knownHashes) throws IOException {
        Files.createDirectories(directory);
        Run run = new Run(plan.totalSamples(), listener);
        List<ShardRecord> records = new ArrayList<>();
        for (Allocation a : plan.allocations()) {
            ModuleManifest m = a.module();
            int steps = m.sampler().heunSchedule()
                    .map(d -> options.diffusionSteps() > 0 ? options.diffusionSteps() : d.steps()).orElse(0);
            ShardHeader header = new ShardHeader(m.spec(), a.count(), a.classIndex(), m.moduleId(),
                    plan.federationSeed(), steps);
            Path file = directory.resolve(shardFileName(m.moduleId(), a.count(), plan.federationSeed(), steps));
            Optional<String> cached = reusable(file, header, knownHashes.get(file.getFileName().toString()));
            if (cached.isPresent()) {
                records.add(new ShardRecord(m.moduleId(), a.classIndex(), a.count(), file, cached.get(), true));
                run.skipped(a.count(), m.moduleId());
                continue;
            }
            String hash = generate(m, modules.onnx(m.moduleId()), header, file, run);
            records.add(new ShardRecord(m.moduleId(), a.classIndex(), a.count(), file, hash, false));
        }
        return new SynthesisResult(plan, records);
    }

    private static Optional<String> reusable(Path file, ShardHeader expected, String knownHash) throws IOException {
        if (!Files.exists(file)) return Optional.empty();
        try {
            ShardReader.Shard shard = ShardReader.read(file);
            if (!shard.header().equals(expected)) return Optional.empty();
            if (knownHash != null && !knownHash.equals(shard.sha256())) return Optional.empty();
            return Optional.of(shard.sha256());
        } catch (ShardFormatException e) {
            // A damaged cache entry is regenerated; its content is a pure function of the plan.
            return Optional.empty();
        }
    }

    /**
     * Samples the module's batches on {@link SamplingOptions#samplers()} threads that share one session,
     * at most one batch ahead of each, while this thread appends the finished batches to the shard (bytes
     * and SHA-256) in batch order. A batch has the same boundaries and seeds whatever the thread count, and
     * each image depends only on its seed, so the shard's bytes are those of a single-threaded run.
     */
    private String generate(ModuleManifest m, byte[] onnx, ShardHeader header, Path file, Run run) throws IOException {
        SamplingOptions o = header.diffusionSteps() > 0 ? options.withDiffusionSteps(header.diffusionSteps()) : options;
        String name = m.moduleId().substring(0, Math.min(12, m.moduleId().length()));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService samplers = Executors.newFixedThreadPool(o.samplers(), r -> {
            Thread t = new Thread(r, "sampler-" + name + "-" + threads.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        try (ModuleSampler sampler = ModuleSampler.open(onnx, m, o);
             ShardWriter writer = new ShardWriter(file, header)) {
            int batch = sampler.batchSize();
            int pixels = m.spec().pixels();
            Deque<Future<float[]>> inFlight = new ArrayDeque<>();
            int next = 0;
            for (int from = 0; from < header.count(); from += batch) {
                while (next < header.count() && inFlight.size() < 2 * o.samplers()) {
                    int start = next;
                    int end = Math.min(header.count(), start + batch);
                    inFlight.add(samplers.submit(() -> sampled(sampler, m, header, start, end, pixels)));
                    next = end;
                }
                float[] images = await(inFlight.poll());
                writer.append(images);
                run.generated(images.length / pixels, m.moduleId());
            }
            return writer.commit();
        } finally {
            samplers.shutdownNow();
        }
    }

    /** Samples [from, to) of the module's shard and checks that every value is finite. */
    private static float[] sampled(ModuleSampler sampler, ModuleManifest m, ShardHeader header, int from, int to,
                                   int pixels) {
        float[] images = sampler.sample(SplitMix64.deriveRange(header.federationSeed(), from, to, "sample", m.moduleId()));
        for (int i = 0; i < images.length; i++) {
            if (!Float.isFinite(images[i])) {
                throw new IllegalStateException("module " + m.moduleId() + " produced " + images[i]
                        + " in sample " + (from + i / pixels) + " (pixel " + i % pixels + ")");
            }
        }
        return images;
    }

    /** Waits for a batch; its failure is rethrown as it was thrown. */
    private static float[] await(Future<float[]> sampling) throws IOException {
        try {
            return sampling.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while sampling a shard");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException("sampling a shard failed", e.getCause());
        }
    }

    /** Progress bookkeeping of one run; the ETA counts only generated samples, not cache hits. */
    private static final class Run {
        private final long total;
        private final SynthesisListener listener;
        private final long started = System.nanoTime();
        private long done;
        private long generated;

        Run(long total, SynthesisListener listener) {
            this.total = total;
            this.listener = listener;
        }

        void skipped(long n, String moduleId) {
            done += n;
            report(moduleId);
        }

        void generated(long n, String moduleId) {
            done += n;
            generated += n;
            report(moduleId);
        }

        private void report(String moduleId) {
            long elapsed = System.nanoTime() - started;
            Optional<Duration> eta = generated == 0 ? Optional.empty()
                    : Optional.of(Duration.ofNanos((long) ((double) elapsed / generated * (total - done))));
            listener.onProgress(new SynthesisProgress(done, total, Duration.ofNanos(elapsed), eta, moduleId));
        }
    }
}
