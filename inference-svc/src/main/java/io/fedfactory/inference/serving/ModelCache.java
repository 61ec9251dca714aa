package io.fedfactory.inference.serving;

import io.fedfactory.determinism.ContentHash;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Verified model bytes on disk, one file per content hash ({@code <sha256>.onnx}), so a restarted
 * service loads what it already fetched instead of downloading it again. A file only ever appears
 * under its final name after its bytes were hashed, flushed and renamed; a partial download lives
 * under a hidden {@code .part} name and is swept at start-up.
 */
public final class ModelCache {

    private static final Logger LOG = Logger.getLogger(ModelCache.class);

    private final Path dir;

    public ModelCache(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
            try (DirectoryStream<Path> parts = Files.newDirectoryStream(this.dir, ".*.part")) {
                for (Path part : parts) Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("model cache directory " + this.dir + " is not usable", e);
        }
    }

    public Path dir() {
        return dir;
    }

    Path fileFor(String sha256) {
        return dir.resolve(sha256 + ".onnx");
    }

    /**
     * The cached bytes of {@code sha256}, if present and still intact. A file whose size or hash no
     * longer matches (a damaged disk, a hand edit) is removed so that the caller downloads afresh.
     */
    public Optional<byte[]> read(String sha256, long expectedSize) throws IOException {
        Path file = fileFor(sha256);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (expectedSize > 0 && Files.size(file) != expectedSize) {
            LOG.warnf("cached model %s has %d bytes, expected %d; removing it", file, Files.size(file), expectedSize);
            Files.deleteIfExists(file);
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        if (!ContentHash.sha256Hex(bytes).equals(sha256)) {
            LOG.warnf("cached model %s does not hash to its name; removing it", file);
            Files.deleteIfExists(file);
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    /** Removes the cached bytes of a hash, for example of a revoked version. */
    public void remove(String sha256) throws IOException {
        if (Files.deleteIfExists(fileFor(sha256))) {
            syncDirectory();
        }
    }

    /** Starts writing bytes that should end up as {@code sha256}; commit only after verifying them. */
    public Entry begin(String sha256) throws IOException {
        return new Entry(sha256);
    }

    /** A download in progress: written to a temporary file, published by {@link #commit()}. */
    public final class Entry implements AutoCloseable {
        private final String sha256;
        private final Path part;
        private final FileChannel channel;
        private final OutputStream out;
        private boolean committed;

        private Entry(String sha256) throws IOException {
            this.sha256 = sha256;
            this.part = dir.resolve("." + sha256 + "." + UUID.randomUUID() + ".part");
            this.channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.out = java.nio.channels.Channels.newOutputStream(channel);
        }

        public void write(byte[] data) throws IOException {
            out.write(data);
        }

        /** Flushes the bytes to disk and renames them into place. */
        public void commit() throws IOException {
            channel.force(true);
            channel.close();
            Files.move(part, fileFor(sha256), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) channel.close();
            if (!committed) Files.deleteIfExists(part);
        }
    }

    private void syncDirectory() {
        // The rename is only durable once the directory entry is; not every file system allows this.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debugf("cannot sync directory %s: %s", dir, e.getMessage());
        }
    }

}
