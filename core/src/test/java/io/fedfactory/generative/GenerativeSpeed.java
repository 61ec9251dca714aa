package io.fedfactory.generative;

import io.fedfactory.data.Dataset;
import io.fedfactory.generative.decoder.DecoderTrainer;
import io.fedfactory.generative.decoder.DecoderTrainingConfig;
import io.fedfactory.generative.diffusion.DiffusionTrainer;
import io.fedfactory.generative.diffusion.DiffusionTrainingConfig;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;

/**
 * Measures training and ONNX Runtime sampling speed of both module kinds on real Fashion-MNIST
 * images, and writes sample grids to target/samples-*.png. Not a test; run by hand:
 *
 * <pre>
 * cd core && ../mvnw -q test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.fedfactory.generative.GenerativeSpeed -Dexec.args="speed"
 * </pre>
 * with {@code DJL_CACHE_DIR=../.cache/djl OMP_NUM_THREADS=2 MAVEN_OPTS="-Dai.djl.offline=true"} in the
 * environment. {@code -Dexec.args="quality STEPS EPOCHS"} trains longer and writes the sample grids.
 */
public final class GenerativeSpeed {

    public static void main(String[] args) throws Exception {
        Dataset trousers = FashionMnist.testImagesOfClass(1, 1000);
        if (args.length > 0 && args[0].equals("quality")) {
            quality(trousers, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        for (int width : new int[] {8, 16, 32}) {
            trainDiffusion(trousers, DiffusionTrainingConfig.defaults(30, 1).withWidth(width), 10);
        }
        if (args.length > 0 && args[0].equals("train")) return;
        TrainedModule decoder = trainDecoder(trousers, DecoderTrainingConfig.defaults(3, 1));
        TrainedModule diffusion = new DiffusionTrainer(DiffusionTrainingConfig.defaults(5, 1)).train(trousers, "bench");
        sample(decoder, new SamplingOptions(1, 256, 64, 0), 2048);
        sample(decoder, new SamplingOptions(2, 256, 64, 0), 2048);
        for (int steps : new int[] {18, 50}) {
            sample(diffusion, new SamplingOptions(1, 256, 64, steps), 64);
            sample(diffusion, new SamplingOptions(2, 256, 64, steps), 64);
        }
    }

    /** Process CPU time in ns: on a shared machine, images per CPU-second say more than images per second. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String rates(long images, long wallNanos, long cpuNanos) {
        return String.format("%.0f img/s wall, %.0f img per CPU-second", images / (wallNanos / 1e9),
                images / (cpuNanos / 1e9));
    }

    private static TrainedModule trainDiffusion(Dataset data, DiffusionTrainingConfig c, int warmup) {
        long[] mark = new long[2];
        TrainedModule m = new DiffusionTrainer(c).train(data, "bench", (step, loss) -> {
            if (step == warmup - 1) {
                mark[0] = System.nanoTime();
                mark[1] = cpuNanos();
            }
            if (step == c.steps() - 1) {
                long images = (long) (c.steps() - warmup) * c.batchSize();
                System.out.printf("BENCH diffusion training width %d batch %d threads %d: %s%n", c.width(),
                        c.batchSize(), c.threads(), rates(images, System.nanoTime() - mark[0], cpuNanos() - mark[1]));
            }
        });
        return m;
    }

    private static TrainedModule trainDecoder(Dataset data, DecoderTrainingConfig c) {
        long[] mark = new long[3];
        int warmup = 5;
        TrainedModule m = new DecoderTrainer(c).train(data, "bench", (step, loss) -> {
            if (step == warmup - 1) {
                mark[0] = System.nanoTime();
                mark[1] = cpuNanos();
            }
            mark[2] = step;
        });
        long images = (mark[2] + 1 - warmup) * c.batchSize();
        System.out.printf("BENCH decoder training hidden %d latent %d batch %d threads %d: %s (incl. export)%n",
                c.hiddenWidth(), c.latentDim(), c.batchSize(), c.threads(),
                rates(images, System.nanoTime() - mark[0], cpuNanos() - mark[1]));
        return m;
    }

    private static void sample(TrainedModule m, SamplingOptions o, int n) {
        try (ModuleSampler s = ModuleSampler.open(m.onnx(), m.manifest(), o)) {
            s.sample(Math.min(n, s.batchSize()), 0);
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            s.sample(n, 1);
            System.out.printf("BENCH %s sampling (ONNX Runtime, %d threads, batch %d%s): %s%n",
                    m.manifest().kind().wireName(), o.intraOpThreads(), o.batchSize(m.manifest().kind()),
                    o.diffusionSteps() > 0 ? ", " + o.diffusionSteps() + " Heun steps" : "",
                    rates(n, System.nanoTime() - t0, cpuNanos() - c0));
        }
    }

    private static void quality(Dataset data, int diffusionSteps, int decoderEpochs) throws Exception {
        TrainedModule diffusion = trainDiffusion(data, DiffusionTrainingConfig.defaults(diffusionSteps, 1), 10);
        System.out.println("BENCH diffusion trained in " + diffusion.manifest().provenance().wallSeconds() + " s");
        TrainedModule decoder = trainDecoder(data, DecoderTrainingConfig.defaults(decoderEpochs, 1));
        System.out.println("BENCH decoder trained in " + decoder.manifest().provenance().wallSeconds() + " s");
        grid(diffusion, new SamplingOptions(2, 64, 64, 18), "target/samples-diffusion.png");
        grid(decoder, new SamplingOptions(2, 64, 64, 0), "target/samples-decoder.png");
        writeGrid(data.pixelsView(), "target/samples-real.png");
    }

    private static void grid(TrainedModule m, SamplingOptions o, String file) throws Exception {
        try (ModuleSampler s = ModuleSampler.open(m.onnx(), m.manifest(), o)) {
            writeGrid(s.sample(64, 7), file);
        }
    }

    private static void writeGrid(float[] px, String file) throws Exception {
        BufferedImage img = new BufferedImage(8 * 28, 8 * 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 64; i++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int v = Math.round(255 * Math.max(0, Math.min(1, px[i * 784 + y * 28 + x])));
                    img.getRaster().setSample((i % 8) * 28 + x, (i / 8) * 28 + y, 0, v);
                }
            }
        }
        ImageIO.write(img, "png", new File(file));
        System.out.println("BENCH wrote " + file);
    }
}
