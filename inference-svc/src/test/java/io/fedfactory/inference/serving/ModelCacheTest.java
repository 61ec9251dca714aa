package io.fedfactory.inference.serving;

import io.fedfactory.determinism.ContentHash;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCacheTest {

    @Test
    void bytesAppearUnderTheirHashOnlyOnCommitAndDamagedOnesAreDropped() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "cache-test");
        Files.writeString(dir.resolve(".left-over.part"), "half a download");
        ModelCache cache = new ModelCache(dir);
        assertFalse(Files.exists(dir.resolve(".left-over.part")), "partial downloads are swept at start");

        byte[] bytes = "model bytes".getBytes();
        String sha = ContentHash.sha256Hex(bytes);
        try (ModelCache.Entry entry = cache.begin(sha)) {
            entry.write(bytes);
            assertTrue(cache.read(sha, bytes.length).isEmpty(), "nothing under the final name before commit");
            entry.commit();
        }
        assertArrayEquals(bytes, cache.read(sha, bytes.length).orElseThrow());

        try (ModelCache.Entry abandoned = cache.begin(ContentHash.sha256Hex(new byte[] {9}))) {
            abandoned.write(new byte[] {9});
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(p -> p.getFileName().toString().equals(sha + ".onnx")), "abandoned entries leave nothing");
        }

        Files.write(dir.resolve(sha + ".onnx"), "model bytez".getBytes());
        assertTrue(cache.read(sha, bytes.length).isEmpty());
        assertFalse(Files.exists(dir.resolve(sha + ".onnx")), "a damaged file is removed");
    }
}
