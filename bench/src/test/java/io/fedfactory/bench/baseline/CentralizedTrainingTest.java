package io.fedfactory.bench.baseline;

import io.fedfactory.classifier.ClassifierTrainer;
import io.fedfactory.classifier.TestImages;
import io.fedfactory.classifier.TrainedClassifier;
import io.fedfactory.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CentralizedTrainingTest {

    @Test
    void poolsSitesInOrderAndTrainsTheRecipeOnThem() {
        List<Dataset> sites = FedAvgTest.disjointSites();
        Dataset pooled = Sites.pool(sites);
        assertEquals(80, pooled.size());
        assertEquals("pooled(site-a+site-b)", pooled.name());
        assertArrayEquals(sites.get(0).image(3), pooled.image(3));
        assertArrayEquals(sites.get(1).image(5), pooled.image(24 + 5));
        assertEquals(sites.get(1).label(5), pooled.label(24 + 5));
        assertArrayEquals(new int[] {12, 12, 28, 28}, pooled.classCounts());

        TrainedClassifier central = new CentralizedTraining(FedAvgTest.recipe(0.05f)).train(sites);
        TrainedClassifier direct = new ClassifierTrainer(FedAvgTest.recipe(0.05f)).train(pooled);
        assertEquals(direct.weightHash(), central.weightHash());
        assertEquals(80, central.provenance().datasetSize());
    }
}
