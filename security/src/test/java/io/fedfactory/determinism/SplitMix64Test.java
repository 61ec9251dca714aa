package io.fedfactory.determinism;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitMix64Test {

    private static final String MODULE = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void derivedSeedsAreTheDocumentedMix() {
        // Values from an independent implementation (Python) of the documented derivation.
        assertEquals(-929594263413866583L, SplitMix64.derive(42, "sample", MODULE, 0));
        assertEquals(-1420229283459411024L, SplitMix64.derive(42, "sample", MODULE, 1));
        assertEquals(6852107153738418293L, SplitMix64.derive(-7, "sample", MODULE, 123456789));
        assertEquals(-3711604323575947012L, SplitMix64.derive(1, "module", "site-00", 3));
        assertEquals(-6638236376532552439L, SplitMix64.derive(1, "global-classifier"));
    }

    @Test
    void theStreamIsSplitMix64() {
        // SplitMix64's first output for seed 0 is a published test vector.
        assertEquals(0xE220A8397B1DCDAFL, new SplitMix64(0).nextLong());
    }

    @Test
    void purposesKeepStreamsApart() {
        Set<Long> seeds = new HashSet<>();
        seeds.add(SplitMix64.derive(1));
        seeds.add(SplitMix64.derive(1, "a", 1));
        seeds.add(SplitMix64.derive(1, 1, "a"));
        seeds.add(SplitMix64.derive(1, "a1"));
        seeds.add(SplitMix64.derive(1, "module", "site-00", 0));
        seeds.add(SplitMix64.derive(1, "module", "site-01", 0));
        seeds.add(SplitMix64.derive(2, "module", "site-00", 0));
        assertEquals(7, seeds.size());
        // An int and a long of the same value name the same stream.
        assertEquals(SplitMix64.derive(5, "x", 3), SplitMix64.derive(5, "x", 3L));
        assertThrows(IllegalArgumentException.class, () -> SplitMix64.derive(1, 2.5));
    }

    @Test
    void rangesMatchSingleDerivations() {
        long[] range = SplitMix64.deriveRange(9, 3, 6, "sample", MODULE);
        long[] one = new long[3];
        for (int i = 0; i < 3; i++) one[i] = SplitMix64.derive(9, "sample", MODULE, 3 + i);
        assertArrayEquals(one, range);
    }

    @Test
    void drawsAreInRangeAndBalanced() {
        SplitMix64 r = SplitMix64.derived(7, "test");
        int[] hits = new int[7];
        for (int i = 0; i < 70_000; i++) hits[r.nextInt(7)]++;
        for (int h : hits) assertEquals(10_000, h, 400);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < 100_000; i++) {
            double g = r.nextGaussian();
            sum += g;
            sq += g * g;
        }
        assertEquals(0, sum / 100_000, 0.02);
        assertEquals(1, sq / 100_000, 0.02);
        int[] p = r.permutation(50);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
        assertNotEquals(Arrays.toString(sorted), Arrays.toString(p));
        double open = r.nextOpenDouble();
        assertTrue(open > 0 && open < 1);
    }
}
