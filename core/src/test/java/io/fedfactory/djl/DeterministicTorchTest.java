package io.fedfactory.djl;

import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.TestImages;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeterministicTorchTest {

    @Test
    void trainingOnFreshThreadsGivesTheSameBitsAsOnThisOne() throws Exception {
        Dataset d = TestImages.patterns("d", ImageSpec.unitRange(1, 10, 10), 3, 10, 4);
        String here = new ClassifierTrainer(TestImages.tinyRecipe()).train(d).weightHash();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<TrainedClassifier> a = pool.submit(() -> new ClassifierTrainer(TestImages.tinyRecipe()).train(d));
            Future<TrainedClassifier> b = pool.submit(() -> new ClassifierTrainer(TestImages.tinyRecipe()).train(d));
            assertEquals(here, a.get().weightHash());
            assertEquals(here, b.get().weightHash());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pinsAndRestoresTheThreadCount() {
        int before = DeterministicTorch.currentThreads();
        int inside = DeterministicTorch.call(1, 5L, DeterministicTorch::currentThreads);
        assertEquals(1, inside);
        assertEquals(before, DeterministicTorch.currentThreads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeterministicTorch.call(0, 1L, () -> 1));
        assertEquals("threads must be in [1, 256], got 0", e.getMessage());
    }

    @Test
    void seedsDifferingOnlyInTheHighHalfStayApart() {
        assertEquals(DeterministicTorch.foldSeed(7L), DeterministicTorch.foldSeed(7L));
        org.junit.jupiter.api.Assertions.assertNotEquals(DeterministicTorch.foldSeed(7L), DeterministicTorch.foldSeed(7L | (1L << 40)));
    }
}
