package io.fedfactory.inference.catalog;

import io.fedfactory.proto.v1.ModelVersionInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionOrderTest {

    static ModelVersionInfo v(String version, String publishedAt) {
        return ModelVersionInfo.newBuilder().setVersion(version).setPublishedAt(publishedAt).build();
    }

    @Test
    void versionNumbersDecideNotTheirSpellingOrClock() {
        assertTrue(VersionOrder.newer(v("fed-v10", "2026-01-01T00:00:00Z"), v("fed-v9", "2026-02-01T00:00:00Z")));
        assertTrue(VersionOrder.newer(v("odd-b", "2026-01-02T00:00:00Z"), v("odd-a", "2026-01-01T00:00:00Z")));
        assertEquals(0, VersionOrder.compare(v("fed-v3", "x"), v("fed-v3", "x")));
        assertEquals(-1, VersionOrder.number("fed-v"));
        assertEquals(-1, VersionOrder.number("fed-v1x"));
        assertEquals(12, VersionOrder.number("my-fed-v12"));
    }
}
