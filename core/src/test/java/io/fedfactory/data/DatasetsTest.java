package io.fedfactory.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {

    private static final ImageSpec SPEC = ImageSpec.unitRange(1, 1, 2);
    private static final List<String> NAMES = List.of("a", "b", "c");

    /** Image i holds (i/10, label/10) so both origin and class can be read back. */
    private static Dataset data(String name, int firstId, int... labels) {
        float[] px = new float[labels.length * 2];
        for (int i = 0; i < labels.length; i++) {
            px[2 * i] = (firstId + i) / 10f;
            px[2 * i + 1] = labels[i] / 10f;
        }
        return new Dataset(name, SPEC, NAMES, px, labels);
    }

    @Test
    void concatKeepsOrderAndRejectsMismatchedParts() {
        Dataset joined = Datasets.concat("ab", List.of(data("x", 0, 0, 1), data("y", 2, 2, 2, 0)));
        assertEquals(5, joined.size());
        assertArrayEquals(new int[] {0, 1, 2, 2, 0}, joined.labels());
        for (int i = 0; i < 5; i++) assertEquals(i / 10f, joined.image(i)[0], 0f);

        Dataset other = new Dataset("z", ImageSpec.unitRange(1, 2, 1), NAMES, new float[2], new int[] {0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.concat("bad", List.of(data("x", 0, 0), other)));
        assertTrue(e.getMessage().contains("z has spec"), e.getMessage());
        Dataset renamed = new Dataset("r", SPEC, List.of("a", "b", "d"), new float[2], new int[] {0});
        assertThrows(IllegalArgumentException.class, () -> Datasets.concat("bad", List.of(data("x", 0, 0), renamed)));
        assertThrows(IllegalArgumentException.class, () -> Datasets.concat("bad", List.of()));
    }

    @Test
    void filterAndPerClassHeadKeepLabelSpaceAndOrder() {
        Dataset d = data("d", 0, 2, 0, 1, 2, 0, 2);
        Dataset only = Datasets.filterClasses(d, "no-b", 2, 0);
        assertArrayEquals(new int[] {2, 0, 2, 0, 2}, only.labels());
        assertEquals(NAMES, only.labelNames());
        assertEquals(3 / 10f, only.image(2)[0], 0f);

        Dataset head = Datasets.firstPerClass(d, "head", 1);
        assertArrayEquals(new int[] {2, 0, 1}, head.labels());
        assertArrayEquals(new int[] {1, 4}, Datasets.indicesOfClass(d, 0));
        assertThrows(IllegalArgumentException.class, () -> Datasets.filterClasses(d, "x", 3));
        assertThrows(IllegalArgumentException.class, () -> Datasets.firstPerClass(d, "x", 0));
    }

    @Test
    void resizeKeepsLabelsAndRange() {
        Dataset d = data("d", 3, 1, 2);
        Dataset big = Datasets.resize(d, "big", 3, 4);
        assertEquals(new ImageSpec(1, 3, 4, 0f, 1f), big.spec());
        assertArrayEquals(d.labels(), big.labels());
        for (float v : big.pixelsView()) assertTrue(v >= 0f && v <= 1f);
    }
}
