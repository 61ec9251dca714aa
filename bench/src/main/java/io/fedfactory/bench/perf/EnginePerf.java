package io.fedfactory.bench.perf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.fedfactory.classifier.ClassifierArchitecture;
import io.fedfactory.classifier.ClassifierNetwork;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.EpochStats;
import io.fedfactory.classifier.SeededInitialization;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.determinism.SplitMix64;
import io.fedfactory.djl.DeterministicTorch;
import io.fedfactory.generative.ClassLabel;
import io.fedfactory.generative.DecoderSampling;
import io.fedfactory.generative.DiffusionSampling;
import io.fedfactory.generative.ModuleKind;
import io.fedfactory.generative.ModuleManifest;
import io.fedfactory.generative.SamplingOptions;
import io.fedfactory.generative.TrainingProvenance;
import io.fedfactory.generative.decoder.DecoderGraph;
import io.fedfactory.generative.decoder.Vae;
import io.fedfactory.generative.diffusion.DenoiserGraph;
import io.fedfactory.generative.diffusion.UNet;
import io.fedfactory.perf.PerfPart;
import io.fedfactory.synthesis.Allocation;
import io.fedfactory.synthesis.SynthesisPlan;
import io.fedfactory.synthesis.Synthesizer;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The synthesis and training parts of {@code bench/perf}: each of our paths against the bare engine on
 * the same model, data and batch size, in alternating rounds.
 */
final class EnginePerf {

    static final ImageSpec SPEC = ImageSpec.unitRange(1, 28, 28);
    static final List<String> LABELS = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");

    private final int rounds;
    private final Path work;

    EnginePerf(int rounds, Path work) {
        this.rounds = rounds;
        this.work = work;
    }

    // ---------------------------------------------------------------- synthesis

    record Module(byte[] onnx, ModuleManifest manifest) {
    }

    /** The benchmark's decoder module (hidden 400, latent 16), weights as initialized: sampled like a trained one. */
    static Module decoder() {
        return decoder(new Vae(SPEC, 400, 16), 16, 1, 0, LABELS.get(0));
    }

    /** A decoder module of {@code vae}'s shape, weights as initialized from {@code seed}, covering one class. */
    static Module decoder(Vae vae, int latent, long seed, int classIndex, String label) {
        byte[] onnx = DecoderGraph.export(vae, SPEC, vae.layout().initialize(seed));
        return new Module(onnx, manifest(ModuleKind.DECODER, new DecoderSampling(latent), onnx, new ClassLabel(classIndex, label)));
    }

    /** The benchmark's diffusion module (UNet width 8), weights as initialized. */
    static Module diffusion() {
        UNet net = new UNet(SPEC, 8, 0.5);
        byte[] onnx = DenoiserGraph.export(net, SPEC, net.layout().initialize(1));
        return new Module(onnx, manifest(ModuleKind.DIFFUSION, DiffusionSampling.edmDefaults(), onnx,
                new ClassLabel(0, LABELS.get(0))));
    }

    private static ModuleManifest manifest(ModuleKind kind, io.fedfactory.generative.SamplerParameters sampler, byte[] onnx,
                                           ClassLabel label) {
        return new ModuleManifest(kind, List.of(label), SPEC, sampler,
                new TrainingProvenance(0, 0, 0, 0, 1, 1, 0, Map.of(), Map.of("init", "only")), "site-perf",
                ContentHash.sha256Hex(onnx));
    }

    void synthesis(PerfPart part) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        SamplingOptions options = new SamplingOptions(1, 256, 64, 10, cores);
        part.setting("onnxRuntime", "1 intra-op thread, 1 inter-op thread, sequential, no spinning, on both sides");
        part.setting("samplers", "ours: " + cores + " sampler threads (one per core) sharing one session, batches "
                + "appended in order; the bare loop: one thread. The decoder is also measured with one sampler thread "
                + "(no target)");
        part.setting("decoder", "VAE decoder hidden 400, latent 16, batch " + options.decoderBatchSize() + ", 6,000 samples");
        part.setting("diffusion", "EDM UNet width 8, batch " + options.diffusionBatchSize() + ", " + options.diffusionSteps()
                + " Heun steps (19 denoiser calls a batch), 256 samples");
        part.setting("bare", "an ONNX Runtime loop over the same module and batch: inputs filled in place, the output "
                + "read once, session opened before the clock starts; the Synthesizer also opens the session (after "
                + "checking the module's hash and contract), derives per-sample seeds, does the sampler's arithmetic and "
                + "the finite check, and writes the shard file with its SHA-256 and fsync");
        Module decoder = decoder();
        compareSynthesis(part, decoder, options.withSamplers(1), "synthesis, decoder module, 1 sampler thread", null);
        compareSynthesis(part, decoder, options, "synthesis, decoder module", 0.9);
        compareSynthesis(part, diffusion(), options, "synthesis, diffusion module", 0.9);
    }

    private void compareSynthesis(PerfPart part, Module m, SamplingOptions options, String what, Double target)
            throws Exception {
        boolean dec = m.manifest().kind() == ModuleKind.DECODER;
        int count = dec ? 6000 : 256;
        int batch = options.batchSize(m.manifest().kind());
        double[] bare = new double[rounds];
        double[] ours = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            boolean bareFirst = r % 2 == 0;
            double a = bareFirst ? bareSampling(m, count, batch, options.diffusionSteps())
                    : synthesizer(m, count, options, r);
            double b = bareFirst ? synthesizer(m, count, options, r)
                    : bareSampling(m, count, batch, options.diffusionSteps());
            if (r < 0) continue; // warm-up
            bare[r] = bareFirst ? a : b;
            ours[r] = bareFirst ? b : a;
        }
        part.compare(what, "throughput", "img/s", bare, ours, true, target);
    }

    /** Samples per second of the Synthesizer writing one shard of {@code count} samples. */
    private double synthesizer(Module m, int count, SamplingOptions options, int round) throws IOException {
        Path dir = work.resolve("shards-" + m.manifest().kind().wireName() + "-" + round);
        deleteTree(dir);
        SynthesisPlan plan = new SynthesisPlan(LABELS, SPEC, count, 7, List.of(new Allocation(m.manifest(), 0, count)),
                List.of());
        long t0 = System.nanoTime();
        new Synthesizer(options).synthesize(plan, id -> m.onnx(), dir, progress -> { });
        double rate = count / ((System.nanoTime() - t0) / 1e9);
        deleteTree(dir);
        return rate;
    }

    /** Samples per second of ONNX Runtime alone over the same module, batch and (diffusion) call count. */
    private static double bareSampling(Module m, int count, int batch, int heunSteps) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession session = env.createSession(m.onnx(), o)) {
                boolean dec = m.manifest().kind() == ModuleKind.DECODER;
                int pixels = SPEC.pixels();
                int inputSize = dec ? 16 : pixels;
                FloatBuffer in = java.nio.ByteBuffer.allocateDirect(batch * inputSize * 4)
                        .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
                FloatBuffer sigma = java.nio.ByteBuffer.allocateDirect(batch * 4).order(java.nio.ByteOrder.nativeOrder())
                        .asFloatBuffer();
                SplitMix64 rng = SplitMix64.derived(1, "bare");
                float[] out = new float[count * pixels];
                long t0 = System.nanoTime();
                for (int from = 0; from < count; from += batch) {
                    int n = Math.min(batch, count - from);
                    for (int i = 0; i < n * inputSize; i++) in.put(i, (float) rng.nextGaussian());
                    int calls = dec ? 1 : 2 * heunSteps - 1;
                    for (int c = 0; c < calls; c++) {
                        for (int i = 0; i < n; i++) sigma.put(i, 1f);
                        try (OnnxTensor x = OnnxTensor.createTensor(env, in.slice(0, n * inputSize),
                                dec ? new long[] {n, 16} : new long[] {n, 1, 28, 28});
                             OnnxTensor s = dec ? null : OnnxTensor.createTensor(env, sigma.slice(0, n), new long[] {n});
                             OrtSession.Result r = session.run(dec ? Map.of(DecoderGraph.INPUT, x)
                                     : Map.of(DenoiserGraph.INPUT_X, x, DenoiserGraph.INPUT_SIGMA, s))) {
                            FloatBuffer result = ((OnnxTensor) r.get(0)).getFloatBuffer();
                            if (c == calls - 1) result.get(out, from * pixels, n * pixels);
                        }
                    }
                }
                return count / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    // ---------------------------------------------------------------- training

    /** Seeded noise images in 10 classes: the cost of a step does not depend on what the pixels show. */
    static Dataset images(int n) {
        SplitMix64 rng = SplitMix64.derived(3, "perf-images");
        float[] pixels = new float[n * SPEC.pixels()];
        int[] labels = new int[n];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rng.nextDouble();
        for (int i = 0; i < n; i++) labels[i] = i % LABELS.size();
        return new Dataset("perf-noise", SPEC, LABELS, pixels, labels);
    }

    void training(PerfPart part, int images) {
        ClassifierRecipe recipe = ClassifierRecipe.quick().withEpochs(1);
        Dataset data = images(images);
        part.setting("recipe", "quick (ResNet-8 width " + recipe.baseWidth() + "), batch " + recipe.batchSize()
                + ", " + recipe.threads() + " threads, 1 epoch of " + images + " images a round");
        part.setting("bare", "a DJL loop over the same network, initial weights, images and batch size: one tensor "
                + "from each batch, DJL's softmax cross-entropy on sparse labels, backward, the same SGD update in place; "
                + "no shuffling, augmentation, accuracy or progress");
        double[] bare = new double[rounds];
        double[] ours = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            boolean bareFirst = r % 2 == 0;
            double a = bareFirst ? bareTraining(recipe, data) : trainer(recipe, data);
            double b = bareFirst ? trainer(recipe, data) : bareTraining(recipe, data);
            if (r < 0) continue; // warm-up
            bare[r] = bareFirst ? a : b;
            ours[r] = bareFirst ? b : a;
        }
        part.compare("training, quick classifier", "throughput", "img/s", bare, ours, true, 0.9);
    }

    private static double trainer(ClassifierRecipe recipe, Dataset data) {
        TrainedClassifier model = new ClassifierTrainer(recipe).train(data);
        EpochStats epoch = model.history().get(0);
        return epoch.images() / epoch.seconds();
    }

    private static double bareTraining(ClassifierRecipe recipe, Dataset data) {
        ClassifierArchitecture architecture = new ClassifierArchitecture(recipe, data.spec(), data.numClasses());
        return DeterministicTorch.call(recipe.threads(), recipe.seed(), () -> {
            Engine engine = DeterministicTorch.engine();
            Loss loss = Loss.softmaxCrossEntropyLoss();
            int batch = recipe.batchSize();
            int px = SPEC.pixels();
            float[] pixels = data.pixelsView();
            int steps = data.size() / batch;
            try (NDManager root = DeterministicTorch.newCpuManager();
                 ClassifierNetwork net = new ClassifierNetwork(root, architecture,
                         SeededInitialization.of(architecture, recipe.seed()))) {
                List<NDArray> params = net.trainableParameters();
                List<NDArray> momentum = new ArrayList<>();
                for (NDArray p : params) momentum.add(root.zeros(p.getShape()));
                float[] labels = new float[batch];
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    for (int j = 0; j < batch; j++) labels[j] = data.label(s * batch + j);
                    try (NDScope ignored = new NDScope()) {
                        NDArray x = root.create(FloatBuffer.wrap(pixels, s * batch * px, batch * px), new Shape(batch, 1, 28, 28));
                        NDArray y = root.create(labels, new Shape(batch));
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            NDArray l = loss.evaluate(new NDList(y), new NDList(net.forward(x, true)));
                            gc.backward(l);
                        }
                        for (int t = 0; t < params.size(); t++) {
                            NDArray w = params.get(t);
                            NDArray g = w.getGradient();
                            g.addi(w.mul(recipe.weightDecay()));
                            w.subi(momentum.get(t).muli(recipe.momentum()).addi(g).mul(recipe.learningRate()));
                            JniUtils.zeroGrad((PtNDArray) w);
                        }
                    }
                }
                return steps * batch / ((System.nanoTime() - t0) / 1e9);
            }
        });
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
