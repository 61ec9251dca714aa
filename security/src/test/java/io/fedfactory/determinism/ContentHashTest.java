package io.fedfactory.determinism;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentHashTest {

    /** SHA-256("abc"), FIPS 180-2 appendix B.1. */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void bytesFilesAndStreamsHashAlike(@TempDir Path dir) throws Exception {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("abc"), abc);
        assertEquals(ABC, ContentHash.sha256Hex(abc));
        assertEquals(ABC, ContentHash.sha256Hex(file));
        assertEquals(ABC, ContentHash.sha256Hex(new ByteArrayInputStream(abc)));
        assertTrue(ContentHash.isSha256Hex(ABC));
        assertFalse(ContentHash.isSha256Hex(ABC.toUpperCase()));
        assertFalse(ContentHash.isSha256Hex(ABC.substring(1)));
        assertFalse(ContentHash.isSha256Hex(null));
    }
}
