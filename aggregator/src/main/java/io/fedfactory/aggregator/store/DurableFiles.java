package io.fedfactory.aggregator.store;

import io.fedfactory.storage.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Crash-safe file operations: a reader sees either the old file or the complete new one, and once a
 * method returns, what it wrote survives a power cut (the data and the directory entry are flushed).
 */
public final class DurableFiles {

    /** Suffix of temporary files; anything carrying it after a restart is debris of a crash. */
    public static final String TEMP_SUFFIX = AtomicFiles.TEMP_SUFFIX;

    private DurableFiles() {
    }

    /** Writes {@code bytes} to {@code target}: temp file, fsync, atomic rename, fsync of the directory. */
    public static void writeAtomically(Path target, byte[] bytes) {
        try {
            AtomicFiles.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    /** Moves {@code source} onto {@code target} atomically (same file system) and flushes both directories. */
    public static void moveAtomically(Path source, Path target) {
        try {
            try (FileChannel ch = FileChannel.open(source, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.toAbsolutePath().getParent());
            syncDirectory(source.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("could not move " + source + " to " + target, e);
        }
    }

    /** Deletes {@code file} if present and flushes its directory; true if it existed. */
    public static boolean deleteDurably(Path file) {
        try {
            boolean existed = Files.deleteIfExists(file);
            if (existed) syncDirectory(file.toAbsolutePath().getParent());
            return existed;
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + file, e);
        }
    }

    /** Flushes a directory, so that renames and deletions in it survive a power cut. */
    public static void syncDirectory(Path dir) {
        try {
            AtomicFiles.syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not flush directory " + dir, e);
        }
    }

    /** Deletes every temporary file under {@code root}; returns how many. */
    public static int deleteTempFiles(Path root) {
        if (!Files.isDirectory(root)) return 0;
        try (Stream<Path> files = Files.walk(root)) {
            int deleted = 0;
            for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(TEMP_SUFFIX))::iterator) {
                if (Files.isRegularFile(p) && Files.deleteIfExists(p)) deleted++;
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("could not clean temporary files under " + root, e);
        }
    }

}
