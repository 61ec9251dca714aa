package io.fedfactory.aggregator.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 as lowercase hex: the id of every content-addressed artifact (modules, models, shards). */
public final class ContentHash {

    public static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private ContentHash() {
    }

    public static String of(byte[] bytes) {
        return io.fedfactory.generative.ContentHash.sha256Hex(bytes);
    }

    /** Hashes a file by streaming it, so a large module never sits in memory whole. */
    public static String of(Path file) {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static boolean isValid(String hex) {
        return hex != null && HEX.matcher(hex).matches();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
