package io.fedfactory.partition;

import io.fedfactory.data.Dataset;
import io.fedfactory.data.ImageSpec;

import java.util.ArrayList;
import java.util.List;

/** Small labelled datasets whose single pixel encodes the image's index, so moved images are traceable. */
final class PartitionTestData {

    private PartitionTestData() {}

    /** Class c has {@code counts[c]} images; labels are interleaved, not sorted, as real data is. */
    static Dataset withCounts(int... counts) {
        List<Integer> labels = new ArrayList<>();
        int[] left = counts.clone();
        boolean any = true;
        while (any) {
            any = false;
            for (int c = 0; c < counts.length; c++) {
                if (left[c] > 0) {
                    labels.add(c);
                    left[c]--;
                    any = true;
                }
            }
        }
        int n = labels.size();
        float[] px = new float[n];
        for (int i = 0; i < n; i++) px[i] = i / (float) n;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) names.add("class" + c);
        return new Dataset("toy", ImageSpec.unitRange(1, 1, 1), names, px,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Asserts-free check used by tests: true when every index appears in exactly one site. */
    static boolean coversEveryIndexOnce(Partition p) {
        int[] seen = new int[p.sourceSize()];
        for (SiteShard s : p.sites()) for (int i : s.indices()) seen[i]++;
        for (int v : seen) if (v != 1) return false;
        return true;
    }
}
