package io.fedfactory.bench.baseline;

import io.fedfactory.classifier.ClassifierArchitecture;
import io.fedfactory.classifier.ClassifierRecipe;
import io.fedfactory.classifier.ClassifierWeights;
import io.fedfactory.classifier.LearningRateSchedule;
import io.fedfactory.classifier.SeededInitialization;
import io.fedfactory.classifier.SgdTraining;
import io.fedfactory.classifier.TestImages;
import io.fedfactory.classifier.TrainingProgress;
import io.fedfactory.classifier.WeightTensor;
import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FedAvgTest {

    private static final ImageSpec SPEC = ImageSpec.unitRange(1, 12, 12);

    /** Two sites with disjoint classes and unequal sizes: classes {0, 1} x 12 images and {2, 3} x 28. */
    static List<Dataset> disjointSites() {
        Dataset a = TestImages.patterns("a", SPEC, 4, 12, 21);
        Dataset b = TestImages.patterns("b", SPEC, 4, 28, 22);
        return List.of(onlyClasses(a, "site-a", 0, 1), onlyClasses(b, "site-b", 2, 3));
    }

    static Dataset onlyClasses(Dataset d, String name, int... classes) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            for (int c : classes) if (d.label(i) == c) keep.add(i);
        }
        return d.subset(name, keep.stream().mapToInt(Integer::intValue).toArray());
    }

    static ClassifierRecipe recipe(float lr) {
        return TestImages.tinyRecipe().withBatchSize(8)
                .withOptimizer(lr, 0.9f, 1e-4f, LearningRateSchedule.CONSTANT);
    }

    @Test
    void oneRoundEqualsTheCountWeightedAverageOfIndependentLocalRuns() {
        List<Dataset> sites = disjointSites();
        ClassifierRecipe recipe = recipe(0.05f);
        FedAvg fedAvg = new FedAvg(recipe, FedAvgConfig.fedAvg(1, 1));
        FedAvgResult result = fedAvg.run(sites);

        ClassifierArchitecture a = new ClassifierArchitecture(recipe, SPEC, 4);
        ClassifierWeights init = SeededInitialization.of(a, recipe.seed());
        ClassifierWeights localA = SgdTraining.run(a, init, sites.get(0), fedAvg.localPlan(1, 0), null, null).weights();
        ClassifierWeights localB = SgdTraining.run(a, init, sites.get(1), fedAvg.localPlan(1, 1), null, null).weights();
        ClassifierWeights got = result.model().weights();
        double weightedGap = 0;
        double unweightedGap = 0;
        for (WeightTensor t : got.tensors()) {
            float[] va = localA.get(t.name()).valuesView();
            float[] vb = localB.get(t.name()).valuesView();
            float[] v = t.valuesView();
            for (int i = 0; i < v.length; i++) {
                double expected = (24.0 * va[i] + 56.0 * vb[i]) / 80.0;
                weightedGap = Math.max(weightedGap, Math.abs(v[i] - expected));
                unweightedGap = Math.max(unweightedGap, Math.abs(v[i] - (va[i] + vb[i]) / 2.0));
            }
        }
        assertTrue(weightedGap <= 1e-6, "global model is not the count-weighted average: gap " + weightedGap);
        assertTrue(unweightedGap > 1e-3, "sites did not diverge enough for the test to tell weightings apart");
    }

    @Test
    void zeroLearningRateKeepsWeightsAndAveragesBatchNormStatistics() {
        List<Dataset> sites = disjointSites();
        ClassifierRecipe recipe = recipe(0f);
        FedAvg fedAvg = new FedAvg(recipe, FedAvgConfig.fedAvg(1, 1));
        ClassifierWeights got = fedAvg.run(sites).model().weights();

        ClassifierArchitecture a = new ClassifierArchitecture(recipe, SPEC, 4);
        ClassifierWeights init = SeededInitialization.of(a, recipe.seed());
        ClassifierWeights localA = SgdTraining.run(a, init, sites.get(0), fedAvg.localPlan(1, 0), null, null).weights();
        ClassifierWeights localB = SgdTraining.run(a, init, sites.get(1), fedAvg.localPlan(1, 1), null, null).weights();
        for (ClassifierArchitecture.Slot slot : a.slots()) {
            float[] v = got.get(slot.name()).valuesView();
            if (slot.role().trainable()) {
                assertArrayEquals(init.get(slot.name()).valuesView(), v, 0f, slot.name() + " moved at learning rate 0");
                continue;
            }
            float[] va = localA.get(slot.name()).valuesView();
            float[] vb = localB.get(slot.name()).valuesView();
            assertNotEquals(va[0], vb[0], slot.name() + ": sites with different classes should have different statistics");
            for (int i = 0; i < v.length; i++) {
                assertEquals((24.0 * va[i] + 56.0 * vb[i]) / 80.0, v[i], 1e-6, slot.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void isDeterministicAndReportsCommunication() {
        List<Dataset> sites = disjointSites();
        FedAvgConfig config = FedAvgConfig.fedAvg(2, 1);
        List<TrainingProgress> progress = new ArrayList<>();
        FedAvgResult first = new FedAvg(recipe(0.05f), config).run(sites, progress::add);
        FedAvgResult second = new FedAvg(recipe(0.05f), config).run(sites);
        FedAvgResult otherSeed = new FedAvg(recipe(0.05f).withSeed(99), config).run(sites);

        assertEquals(first.model().weights(), second.model().weights());
        assertNotEquals(first.model().weightHash(), otherSeed.model().weightHash());
        long upload = first.model().weights().byteSize();
        assertEquals(upload, first.bytesPerUpload());
        assertArrayEquals(new long[] {2 * upload, 2 * upload}, first.bytesSentPerSite());
        assertEquals(2, first.rounds().size());
        assertEquals(List.of(0, 1), first.rounds().get(1).participants());
        assertEquals(2 * 80L, first.model().provenance().examplesSeen());
        assertEquals(1.0, progress.get(progress.size() - 1).fraction(), 1e-9);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i).fraction() >= progress.get(i - 1).fraction(), "progress went backwards at " + i);
        }
    }

    @Test
    void partialParticipationIsSeededAndOnlyParticipantsUpload() {
        Dataset pool = TestImages.patterns("p", SPEC, 4, 9, 5);
        List<Dataset> sites = List.of(onlyClasses(pool, "s0", 0), onlyClasses(pool, "s1", 1), onlyClasses(pool, "s2", 2),
                onlyClasses(pool, "s3", 3));
        FedAvg fedAvg = new FedAvg(recipe(0.05f), FedAvgConfig.fedAvg(3, 1).withClientsPerRound(2));
        FedAvgResult result = fedAvg.run(sites);
        long[] expected = new long[4];
        for (int r = 1; r <= 3; r++) {
            List<Integer> chosen = fedAvg.participants(r, 4);
            assertEquals(chosen, result.rounds().get(r - 1).participants());
            assertEquals(2, chosen.size());
            assertEquals(chosen, new FedAvg(recipe(0.05f), FedAvgConfig.fedAvg(3, 1).withClientsPerRound(2)).participants(r, 4));
            for (int s : chosen) expected[s] += result.bytesPerUpload();
        }
        assertArrayEquals(expected, result.bytesSentPerSite());
        assertEquals(6 * result.bytesPerUpload(), result.totalBytesSent());
    }

    @Test
    void proximalTermKeepsLocalWeightsNearTheGlobalModel() {
        Dataset site = disjointSites().get(1);
        ClassifierRecipe recipe = recipe(0.05f);
        ClassifierArchitecture a = new ClassifierArchitecture(recipe, SPEC, 4);
        ClassifierWeights global = SeededInitialization.of(a, recipe.seed());
        FedAvg plain = new FedAvg(recipe, FedAvgConfig.fedAvg(1, 2));
        FedAvg prox = new FedAvg(recipe, FedAvgConfig.fedProx(1, 2, 5f));
        double free = distance(global, SgdTraining.run(a, global, site, plain.localPlan(1, 1), global, null).weights(), a);
        double held = distance(global, SgdTraining.run(a, global, site, prox.localPlan(1, 1), global, null).weights(), a);
        assertTrue(held < 0.8 * free, "FedProx distance " + held + " should be well below FedAvg's " + free);
    }

    @Test
    void weightedAverageAndBadInputs() {
        ClassifierWeights x = new ClassifierWeights(List.of(new WeightTensor("w", new long[] {2}, new float[] {1f, -2f})));
        ClassifierWeights y = new ClassifierWeights(List.of(new WeightTensor("w", new long[] {2}, new float[] {2f, 2f})));
        assertArrayEquals(new float[] {1.75f, 1f}, FedAvg.weightedAverage(List.of(x, y), new long[] {1, 3})
                .get("w").valuesView(), 0f);
        assertThrows(IllegalArgumentException.class, () -> FedAvg.weightedAverage(List.of(x, y), new long[] {0, 0}));
        Dataset rgb = TestImages.patterns("rgb", ImageSpec.unitRange(3, 12, 12), 4, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FedAvg(recipe(0.1f), FedAvgConfig.fedAvg(1, 1)).run(List.of(disjointSites().get(0), rgb)));
        assertTrue(e.getMessage().startsWith("site 1 (rgb) has images 3x12x12"), e.getMessage());
        IllegalArgumentException rounds = assertThrows(IllegalArgumentException.class, () -> FedAvgConfig.fedAvg(0, 1));
        assertEquals("fedavg.rounds must be in [1, 10000], got 0", rounds.getMessage());
    }

    private static double distance(ClassifierWeights u, ClassifierWeights v, ClassifierArchitecture a) {
        double sq = 0;
        for (ClassifierArchitecture.Slot s : a.slots()) {
            if (!s.role().trainable()) continue;
            float[] p = u.get(s.name()).valuesView();
            float[] q = v.get(s.name()).valuesView();
            for (int i = 0; i < p.length; i++) sq += (double) (p[i] - q[i]) * (p[i] - q[i]);
        }
        return Math.sqrt(sq);
    }
}
