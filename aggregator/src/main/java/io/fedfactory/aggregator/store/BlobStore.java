package io.fedfactory.aggregator.store;

import io.fedfactory.determinism.ContentHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Content-addressed bytes in one namespace ({@code <root>/<namespace>/<sha256>}): module ONNX bytes,
 * and later model versions and shards. The same bytes are stored once; a blob never changes after it
 * is written, it can only be erased.
 */
public final class BlobStore {

    private final String namespace;
    private final Path dir;

    BlobStore(String namespace, Path dir) {
        this.namespace = namespace;
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    public String namespace() {
        return namespace;
    }

    /** Where the blob lives (it may not exist). Read-only use: sessions load models from this path. */
    public Path path(String sha256) {
        if (!ContentHash.isSha256Hex(sha256)) {
            throw new IllegalArgumentException("blob id must be 64 lowercase hex characters, got '" + sha256 + "'");
        }
        return dir.resolve(sha256);
    }

    public boolean contains(String sha256) {
        return Files.isRegularFile(path(sha256));
    }

    public long size(String sha256) {
        try {
            return Files.size(path(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException("no blob " + sha256 + " in " + namespace, e);
        }
    }

    public byte[] read(String sha256) {
        try {
            return Files.readAllBytes(path(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read blob " + sha256 + " in " + namespace, e);
        }
    }

    /** Stores {@code bytes} durably and returns their SHA-256; storing the same bytes again is a no-op. */
    public String put(byte[] bytes) {
        String sha = ContentHash.sha256Hex(bytes);
        if (!contains(sha)) DurableFiles.writeAtomically(path(sha), bytes);
        return sha;
    }

    /**
     * Moves a file whose SHA-256 the caller has verified to be {@code sha256} into the store (a rename
     * on the same file system, no copy); durable on return.
     */
    public void adopt(Path file, String sha256) {
        DurableFiles.moveAtomically(file, path(sha256));
    }

    /** Erases the bytes durably; true if they existed. */
    public boolean erase(String sha256) {
        return DurableFiles.deleteDurably(path(sha256));
    }

    /** Ids of every stored blob, sorted. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (ContentHash.isSha256Hex(name)) ids.add(name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        ids.sort(null);
        return ids;
    }
}
