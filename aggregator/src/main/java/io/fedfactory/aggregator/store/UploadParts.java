package io.fedfactory.aggregator.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Bytes of uploads in progress ({@code <root>/<upload id>.part}), kept across restarts for resumption. */
public final class UploadParts {

    private static final String SUFFIX = ".part";

    private final Path dir;

    UploadParts(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    public Path path(String uploadId) {
        if (!RecordStore.ID.matcher(uploadId).matches()) {
            throw new IllegalArgumentException("upload id must match " + RecordStore.ID.pattern() + ", got '" + uploadId + "'");
        }
        return dir.resolve(uploadId + SUFFIX);
    }

    public boolean exists(String uploadId) {
        return Files.isRegularFile(path(uploadId));
    }

    /** Bytes stored so far; 0 when there is no part. */
    public long length(String uploadId) {
        try {
            Path p = path(uploadId);
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the size of upload " + uploadId, e);
        }
    }

    /** Opens the part for appending after its current end (creating it empty if absent). */
    public PartWriter append(String uploadId, long syncIntervalBytes) {
        return PartWriter.open(path(uploadId), syncIntervalBytes);
    }

    public boolean delete(String uploadId) {
        return DurableFiles.deleteDurably(path(uploadId));
    }

    /** Upload ids with a part on disk, sorted. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                ids.add(name.substring(0, name.length() - SUFFIX.length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        ids.sort(null);
        return ids;
    }
}
