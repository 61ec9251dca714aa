package io.fedfactory.partition;

import io.fedfactory.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static io.fedfactory.partition.PartitionTestData.coversEveryIndexOnce;
import static io.fedfactory.partition.PartitionTestData.withCounts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SiloAndClassesPerSiteTest {

    private final Dataset data = withCounts(12, 7, 9, 5, 11);

    @Test
    void siloGivesEachSiteExactlyOneWholeClass() {
        Partition p = SiloScheme.onePerClass().split(data, 1);
        assertEquals(5, p.siteCount());
        assertTrue(coversEveryIndexOnce(p));
        assertEquals(0, p.unassigned());
        int[] counts = data.classCounts();
        for (int s = 0; s < 5; s++) {
            SiteShard site = p.site(s);
            assertEquals(String.format("site-%02d", s), site.siteId());
            assertArrayEquals(new int[] {s}, site.classes());
            assertEquals(counts[s], site.size());
            int[] idx = site.indices();
            int[] sorted = idx.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, idx, "indices ascend");
            Dataset local = p.siteDataset(data, s);
            assertEquals("toy/site-0" + s, local.name());
            for (int i = 0; i < local.size(); i++) {
                assertEquals(s, local.label(i));
                assertEquals(data.image(idx[i])[0], local.image(i)[0], 0f);
            }
        }
        assertEquals("silo(sites=one-per-class)", p.scheme());
    }

    @Test
    void siloWithFewerSitesDealsClassesRoundRobinAndSkipsAbsentClasses() {
        Partition p = new SiloScheme(2).split(data, 1);
        assertArrayEquals(new int[] {0, 2, 4}, p.site(0).classes());
        assertArrayEquals(new int[] {1, 3}, p.site(1).classes());
        assertTrue(coversEveryIndexOnce(p));

        Dataset gap = withCounts(4, 0, 3);
        Partition g = SiloScheme.onePerClass().split(gap, 1);
        assertEquals(2, g.siteCount());
        assertArrayEquals(new int[] {2}, g.site(1).classes());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SiloScheme(3).split(gap, 1));
        assertTrue(e.getMessage().contains("only 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SiloScheme(-1));
    }

    @Test
    void siteDatasetRefusesADifferentSource() {
        Partition p = SiloScheme.onePerClass().split(data, 1);
        assertThrows(IllegalArgumentException.class, () -> p.siteDataset(withCounts(3, 3), 0));
        // Same size, different labels.
        Dataset shuffled = withCounts(11, 7, 9, 5, 12);
        assertThrows(IllegalArgumentException.class, () -> p.siteDatasets(shuffled));
        assertEquals(5, p.siteDatasets(data).size());
    }

    @Test
    void classesPerSiteIsDisjointWhileClassesSuffice() {
        Dataset ten = withCounts(5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        Partition p = new ClassesPerSiteScheme(4, 2).split(ten, 7);
        Set<Integer> used = new HashSet<>();
        for (SiteShard s : p.sites()) {
            assertEquals(2, s.classes().length);
            for (int c : s.classes()) {
                assertTrue(used.add(c), "class " + c + " at two sites");
                assertEquals(ten.classCounts()[c], s.classCounts()[c], "a disjoint class goes whole");
            }
        }
        int leftOver = 0;
        for (int c = 0; c < 10; c++) if (!used.contains(c)) leftOver += ten.classCounts()[c];
        assertEquals(leftOver, p.unassigned());
        assertEquals(p, new ClassesPerSiteScheme(4, 2).split(ten, 7), "same seed, same partition");
        assertTrue(!p.sites().equals(new ClassesPerSiteScheme(4, 2).split(ten, 8).sites())
                || !p.sites().equals(new ClassesPerSiteScheme(4, 2).split(ten, 9).sites()), "seeds choose the classes");
    }

    @Test
    void classesPerSiteSharesClassesEvenlyWhenSitesOutnumberThem() {
        Dataset ten = withCounts(30, 30, 30, 30, 30, 30, 30, 30, 30, 30);
        Partition p = new ClassesPerSiteScheme(10, 3).split(ten, 3);
        assertTrue(coversEveryIndexOnce(p));
        int[] holders = new int[10];
        for (SiteShard s : p.sites()) {
            assertEquals(3, s.classes().length);
            assertEquals(30, s.size(), "each class is cut into three equal parts of 10");
            for (int c : s.classes()) holders[c]++;
        }
        for (int h : holders) assertEquals(3, h);

        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> new ClassesPerSiteScheme(2, 11).split(ten, 1));
        assertTrue(tooMany.getMessage().contains("only 10"), tooMany.getMessage());
        IllegalArgumentException thin = assertThrows(IllegalArgumentException.class,
                () -> new ClassesPerSiteScheme(6, 1).split(withCounts(1, 1), 1));
        assertTrue(thin.getMessage().contains("has 1 images for 3 sites"), thin.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClassesPerSiteScheme(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ClassesPerSiteScheme(1, 0));
    }

    @Test
    void siteShardsAreImmutable() {
        SiteShard s = SiloScheme.onePerClass().split(data, 1).site(0);
        int[] idx = s.indices();
        idx[0] = -5;
        assertTrue(s.indices()[0] >= 0);
        assertThrows(UnsupportedOperationException.class,
                () -> SiloScheme.onePerClass().split(data, 1).sites().add(s));
    }
}
