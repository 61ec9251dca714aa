package io.fedfactory.aggregator.store;

import com.google.protobuf.ByteString;
import io.fedfactory.determinism.ContentHash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Appends chunks to an upload part and flushes them to disk every {@code syncIntervalBytes} (0: after
 * every chunk). {@link #close()} always flushes, so once a stream has ended, {@link #length()} is
 * what a restart would find. The part's SHA-256 is computed as the bytes arrive ({@link #sha256()}),
 * so admission need not read them again to hash them; a resumed part hashes what it already holds
 * when it is opened.
 */
public final class PartWriter implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final long syncIntervalBytes;
    private final MessageDigest sha = ContentHash.newSha256();
    private long length;
    private long unsynced;

    private PartWriter(Path file, FileChannel channel, long syncIntervalBytes) throws IOException {
        this.file = file;
        this.channel = channel;
        this.syncIntervalBytes = syncIntervalBytes;
        this.length = channel.size();
        if (length > 0) {
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                long left = length;
                for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0; left -= n) {
                    sha.update(buf, 0, n);
                }
            }
        }
        channel.position(length);
    }

    static PartWriter open(Path file, long syncIntervalBytes) {
        try {
            boolean created = !Files.exists(file);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (created) DurableFiles.syncDirectory(file.toAbsolutePath().getParent());
            return new PartWriter(file, ch, syncIntervalBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open " + file, e);
        }
    }

    /** Bytes in the part, including any not yet flushed. */
    public long length() {
        return length;
    }

    public Path file() {
        return file;
    }

    public void append(ByteString data) {
        try {
            for (ByteBuffer b : data.asReadOnlyByteBufferList()) {
                sha.update(b.duplicate());
                while (b.hasRemaining()) channel.write(b);
            }
            length += data.size();
            unsynced += data.size();
            if (unsynced > 0 && unsynced >= syncIntervalBytes) sync();
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file, e);
        }
    }

    /** SHA-256 (lowercase hex) of the {@link #length()} bytes appended so far, resumed ones included. */
    public String sha256() {
        try {
            return ContentHash.hex(((MessageDigest) sha.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be copied", e);
        }
    }

    public void sync() {
        try {
            channel.force(false);
            unsynced = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("could not flush " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                if (unsynced > 0) sync();
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not close " + file, e);
        }
    }
}
