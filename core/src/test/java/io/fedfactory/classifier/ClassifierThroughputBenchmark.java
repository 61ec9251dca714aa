package io.fedfactory.classifier;

import io.fedfactory.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training and ONNX inference throughput on Fashion-MNIST (1x28x28) with 2 threads, batch 128.
 * Not part of the default test run (its name matches no surefire pattern); run it on an idle machine:
 * {@code cd core && ../mvnw -q test -Dtest=ClassifierThroughputBenchmark}. Optional system properties:
 * {@code fedfactory.bench.images} (default 2560) and {@code fedfactory.bench.recipes}, extra architectures
 * as {@code width:blocks,blocks;...} (e.g. {@code 8:1,1,1;32:1,1}).
 */
class ClassifierThroughputBenchmark {

    /** Epochs per measurement; the best is reported too, since other processes may share the cores. */
    private static final int EPOCHS = 3;

    @Test
    void measure() {
        int images = Integer.getInteger("fedfactory.bench.images", 2560);
        Dataset data = TestImages.fashionMnist(images);
        Map<String, ClassifierRecipe> recipes = new LinkedHashMap<>();
        recipes.put("quick", ClassifierRecipe.quick().withEpochs(EPOCHS));
        recipes.put("standard", ClassifierRecipe.standard().withEpochs(EPOCHS));
        String extra = System.getProperty("fedfactory.bench.recipes", "");
        for (String spec : extra.split(";")) {
            if (spec.isBlank()) continue;
            String[] parts = spec.split(":");
            List<Integer> blocks = new ArrayList<>();
            for (String b : parts[1].split(",")) blocks.add(Integer.parseInt(b.trim()));
            recipes.put(spec, ClassifierRecipe.quick().withEpochs(EPOCHS).withArchitecture(Integer.parseInt(parts[0].trim()), blocks));
        }
        // Warm-up: JIT, libtorch and allocator first-use costs stay out of the figures.
        new ClassifierTrainer(ClassifierRecipe.quick().withEpochs(1)).train(data.subset("warmup", range(512)));

        StringBuilder report = new StringBuilder("\nthroughput on " + data + ", 2 threads, batch 128, " + EPOCHS
                + " epochs; load average before: " + loadAverage() + "\n");
        for (Map.Entry<String, ClassifierRecipe> e : recipes.entrySet()) {
            ClassifierRecipe r = e.getValue();
            TrainedClassifier model = new ClassifierTrainer(r).train(data);
            double best = 0;
            double processed = 0;
            double seconds = 0;
            for (EpochStats epoch : model.history()) {
                best = Math.max(best, epoch.imagesPerSecond());
                processed += epoch.images();
                seconds += epoch.seconds();
            }
            double trainRate = processed / seconds;
            double[] inference = onnxRate(model, data);
            report.append(String.format("%-10s width %d blocks %s params %d: train %.0f img/s (best epoch %.0f); ONNX inference %.0f img/s"
                            + " (batch 256, 1 thread), %.0f img/s (batch 256, 2 threads)%n",
                    e.getKey(), r.baseWidth(), r.blocksPerStage(), model.weights().parameterCount(), trainRate, best,
                    inference[0], inference[1]));
            assertTrue(trainRate > 0 && inference[0] > 0);
        }
        report.append("load average after: ").append(loadAverage());
        System.out.println(report);
    }

    private static double[] onnxRate(TrainedClassifier model, Dataset data) {
        byte[] bytes = model.toOnnx();
        double[] rates = new double[2];
        for (int t = 1; t <= 2; t++) {
            try (OnnxClassifier onnx = OnnxClassifier.load(bytes, t)) {
                onnx.predict(data);
                long t0 = System.nanoTime();
                int rounds = 3;
                for (int i = 0; i < rounds; i++) onnx.predict(data);
                rates[t - 1] = rounds * (double) data.size() / ((System.nanoTime() - t0) / 1e9);
            }
        }
        return rates;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
