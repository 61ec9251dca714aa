package io.fedfactory.classifier;

import io.fedfactory.data.Dataset;
import org.junit.jupiter.api.Test;
import java.util.List;

class AccuracyScratchBenchmark {
    @Test
    void run() {
        Dataset all = TestImages.fashionMnist(10000);
        int[] tr = new int[8000], te = new int[2000];
        for (int i = 0; i < 8000; i++) tr[i] = i;
        for (int i = 0; i < 2000; i++) te[i] = 8000 + i;
        Dataset train = all.subset("train8k", tr), test = all.subset("test2k", te);
        StringBuilder sb = new StringBuilder();
        for (String spec : System.getProperty("arch", "8:1,1,1;16:1,1,1").split(";")) {
            String[] p = spec.split(":");
            List<Integer> blocks = java.util.Arrays.stream(p[1].split(",")).map(Integer::parseInt).toList();
            ClassifierRecipe r = ClassifierRecipe.quick().withEpochs(Integer.getInteger("epochs", 3)).withArchitecture(Integer.parseInt(p[0]), blocks);
            if (Boolean.getBoolean("aug")) r = r.withAugmentation(Augmentation.cropAndFlip(2));
            TrainedClassifier m = new ClassifierTrainer(r).train(train);
            try (OnnxClassifier o = OnnxClassifier.load(m.toOnnx(), 2)) {
                sb.append(String.format("%s epochs %d: test acc %.4f, train img/s %.0f, wall %s%n", spec, r.epochs(),
                        TestImages.accuracy(o.predict(test), test.labels()), m.history().get(m.history().size() - 1).imagesPerSecond(), m.wallTime()));
            }
        }
        System.out.println(sb);
    }
}
