package io.fedfactory.aggregator.store;

import com.google.protobuf.ByteString;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends chunks to an upload part and flushes them to disk every {@code syncIntervalBytes} (0: after
 * every chunk). {@link #close()} always flushes, so once a stream has ended, {@link #length()} is
 * what a restart would find.
 */
public final class PartWriter implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final long syncIntervalBytes;
    private long length;
    private long unsynced;

    private PartWriter(Path file, FileChannel channel, long syncIntervalBytes) throws IOException {
        this.file = file;
        this.channel = channel;
        this.syncIntervalBytes = syncIntervalBytes;
        this.length = channel.size();
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
                while (b.hasRemaining()) channel.write(b);
            }
            length += data.size();
            unsynced += data.size();
            if (unsynced > 0 && unsynced >= syncIntervalBytes) sync();
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file, e);
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
