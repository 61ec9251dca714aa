package io.fedfactory.aggregator.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

/**
 * Durable protobuf records, addressed by kind (a folder) and id (a file): {@code <root>/<kind>/<id>.pb}.
 * Each put is atomic and durable before it returns (see {@link DurableFiles}). Every record is read
 * into memory when the store opens, so reads never touch the disk; records are meant to be small
 * (specs, manifests, receipts), never model bytes (those go to a {@link BlobStore}).
 *
 * <p>Thread-safe. Writes are serialized, so the file on disk and the copy in memory never disagree.
 */
public final class RecordStore {

    /** Kinds are folder names: lowercase words with dashes. */
    public static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** Ids are file names: no path separators, no leading dot (temp files start with one). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    private static final String SUFFIX = ".pb";

    private final Path root;
    private final Map<String, NavigableMap<String, byte[]>> cache = new ConcurrentHashMap<>();

    RecordStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
            try (DirectoryStream<Path> kinds = Files.newDirectoryStream(root, Files::isDirectory)) {
                for (Path kindDir : kinds) load(kindDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read records under " + root, e);
        }
    }

    private void load(Path kindDir) throws IOException {
        String kind = kindDir.getFileName().toString();
        if (!KIND.matcher(kind).matches()) return;
        NavigableMap<String, byte[]> records = kind(kind);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(kindDir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - SUFFIX.length());
                if (ID.matcher(id).matches()) records.put(id, Files.readAllBytes(file));
            }
        }
    }

    /** Stores {@code record} under (kind, id), replacing any previous one; durable on return. */
    public synchronized void put(String kind, String id, MessageLite record) {
        check(kind, id);
        byte[] bytes = record.toByteArray();
        DurableFiles.writeAtomically(file(kind, id), bytes);
        kind(kind).put(id, bytes);
    }

    /** The record under (kind, id), parsed with {@code parser}. */
    public <T> Optional<T> get(String kind, String id, Parser<T> parser) {
        check(kind, id);
        byte[] bytes = kind(kind).get(id);
        return bytes == null ? Optional.empty() : Optional.of(parse(kind, id, bytes, parser));
    }

    /** Every record of {@code kind}, in id order. */
    public <T> List<T> list(String kind, Parser<T> parser) {
        check(kind, "x");
        List<T> out = new ArrayList<>();
        kind(kind).forEach((id, bytes) -> out.add(parse(kind, id, bytes, parser)));
        return out;
    }

    /** Ids of every record of {@code kind}, in order. */
    public List<String> ids(String kind) {
        check(kind, "x");
        return new ArrayList<>(kind(kind).keySet());
    }

    public boolean contains(String kind, String id) {
        check(kind, id);
        return kind(kind).containsKey(id);
    }

    /** Removes the record durably; true if it existed. */
    public synchronized boolean delete(String kind, String id) {
        check(kind, id);
        boolean existed = DurableFiles.deleteDurably(file(kind, id));
        return kind(kind).remove(id) != null || existed;
    }

    private NavigableMap<String, byte[]> kind(String kind) {
        return cache.computeIfAbsent(kind, k -> new ConcurrentSkipListMap<>());
    }

    private Path file(String kind, String id) {
        return root.resolve(kind).resolve(id + SUFFIX);
    }

    private <T> T parse(String kind, String id, byte[] bytes, Parser<T> parser) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("record " + file(kind, id) + " is not a valid record of its type", e);
        }
    }

    private static void check(String kind, String id) {
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("record kind must match " + KIND.pattern() + ", got '" + kind + "'");
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("record id must match " + ID.pattern() + ", got '" + id + "'");
        }
    }
}
