package io.fedfactory.determinism;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 as lowercase hex: the id of every content-addressed artifact (modules, shards, models,
 * weights) and the one way the project hashes bytes, files and streams.
 */
public final class ContentHash {

    /** A SHA-256 in lowercase hex. */
    public static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private ContentHash() {}

    /** Lowercase hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return hex(newSha256().digest(bytes));
    }

    /** Hashes a file by streaming it, so a large artifact never sits in memory whole. */
    public static String sha256Hex(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256Hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /** Hashes what is left of {@code in}; the caller closes it. */
    public static String sha256Hex(InputStream in) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        return hex(md.digest());
    }

    /** A fresh SHA-256 digest, for hashing while writing or reading. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Lowercase hex of a finished digest. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Whether {@code s} is a SHA-256 in lowercase hex. */
    public static boolean isSha256Hex(String s) {
        return s != null && HEX.matcher(s).matches();
    }
}
