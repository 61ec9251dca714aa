package io.fedfactory.synthesis;

import io.fedfactory.determinism.ContentHash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Writes one shard crash-safely: into a temporary file next to the target, streamed batch by batch
 * while hashing, then flushed to disk and atomically renamed. A reader never sees a partial shard
 * under the final name; an abandoned temporary file is deleted on close.
 *
 * <p>Each batch is encoded once, into a reused direct buffer that is hashed and written from where it
 * is. The file is flushed to disk once, in {@link #commit()}.
 */
public final class ShardWriter implements AutoCloseable {

    private final Path target;
    private final Path temp;
    private final ShardHeader header;
    private final FileChannel channel;
    private final MessageDigest sha = ContentHash.newSha256();
    private long written;
    private ByteBuffer encoded;
    private boolean committed;

    public ShardWriter(Path target, ShardHeader header) throws IOException {
        this.target = target;
        this.header = header;
        this.temp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Thread.currentThread().getId());
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        write(ByteBuffer.wrap(header.encode()));
    }

    /** Appends images (flat CHW floats, whole images). */
    public void append(float[] pixels) throws IOException {
        if (pixels.length % header.spec().pixels() != 0) {
            throw new IllegalArgumentException("shard " + target + ": " + pixels.length + " floats are not whole images of "
                    + header.spec().pixels());
        }
        long images = pixels.length / header.spec().pixels();
        if (written + images > header.count()) {
            throw new IllegalStateException("shard " + target + ": header says " + header.count() + " images, "
                    + (written + images) + " appended");
        }
        int bytes = Math.multiplyExact(pixels.length, Float.BYTES);
        if (encoded == null || encoded.capacity() < bytes) {
            encoded = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        encoded.clear().limit(bytes);
        encoded.asFloatBuffer().put(pixels);
        write(encoded);
        written += images;
    }

    private void write(ByteBuffer buf) throws IOException {
        sha.update(buf.duplicate());
        while (buf.hasRemaining()) channel.write(buf);
    }

    /** Flushes, renames into place, and returns the shard's SHA-256 (lowercase hex). */
    public String commit() throws IOException {
        if (written != header.count()) {
            throw new IllegalStateException("shard " + target + ": header says " + header.count() + " images, "
                    + written + " written");
        }
        channel.force(true);
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.toAbsolutePath().getParent());
        committed = true;
        return ContentHash.hex(sha.digest());
    }

    /** Makes the rename itself durable (Linux allows fsync on a directory; elsewhere this is best effort). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not supported on this platform; the file itself is already on disk.
        }
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) channel.close();
        if (!committed) Files.deleteIfExists(temp);
    }
}
