package io.fedfactory.aggregator.audit;

import io.fedfactory.contracts.EventTypes;
import com.google.protobuf.CodedInputStream;
import io.fedfactory.aggregator.events.EventPublishException;
import io.fedfactory.aggregator.events.EventPublisher;
import io.fedfactory.contracts.Topics;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.DurableFiles;
import io.fedfactory.proto.v1.AuditEntry;
import io.fedfactory.proto.v1.AuditRecord;
import io.fedfactory.proto.v1.Event;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The aggregator's audit trail: an append-only file of length-delimited {@link AuditEntry} records
 * under {@code <data-dir>/audit/audit.log}, each flushed to disk before it is published on
 * {@code fedfactory.audit} and before the audited call answers. A record torn by a crash (the last
 * one, never acknowledged) is cut off when the log is opened.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    /** Key and federation of records for calls that name no federation. */
    public static final String NO_FEDERATION = "-";

    @Inject
    AggregatorStore store;

    @Inject
    EventPublisher events;

    private Path file;
    private FileChannel channel;
    private long next;

    @PostConstruct
    void open() {
        Path dir = store.root().resolve("audit");
        file = dir.resolve("audit.log");
        try {
            boolean created = !Files.exists(file);
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (created) DurableFiles.syncDirectory(dir);
            Scan scan = scan(channel);
            if (scan.validEnd < channel.size()) {
                LOG.warnf("audit log %s: cutting off %d bytes of a record torn by a crash", file, channel.size() - scan.validEnd);
                channel.truncate(scan.validEnd);
                channel.force(true);
            }
            next = scan.entries.size();
            channel.position(scan.validEnd);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
        LOG.infof("audit log %s: %d records", file, next);
    }

    @PreDestroy
    synchronized void close() {
        try {
            if (channel != null) channel.close();
        } catch (IOException e) {
            LOG.warnf("closing the audit log: %s", e.getMessage());
        }
    }

    /** Keeps {@code record} durably, then publishes it (keyed by federation id, or "-"). */
    public AuditEntry append(String federationId, AuditRecord record) {
        String key = federationId == null || federationId.isEmpty() ? NO_FEDERATION : federationId;
        AuditEntry entry;
        synchronized (this) {
            entry = AuditEntry.newBuilder().setIndex(next).setFederationId(key).setRecord(record).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                entry.writeDelimitedTo(out);
                ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
                while (buf.hasRemaining()) channel.write(buf);
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the audit log " + file, e);
            }
            next++;
        }
        try {
            events.publish(Topics.AUDIT, key, EventTypes.AUDIT_RECORD, key, Event.newBuilder().setAuditRecord(record));
        } catch (EventPublishException e) {
            // The record is kept; auditors read it with ListAuditRecords even if the topic missed it.
            LOG.warnf("audit record %d (%s %s) is kept but was not acknowledged by the broker: %s", entry.getIndex(),
                    record.getActor(), record.getAction(), e.getMessage());
        }
        return entry;
    }

    /** Entries from {@code start}, of {@code federationId} only unless it is empty, at most {@code max}. */
    public synchronized List<AuditEntry> list(String federationId, long start, int max) {
        List<AuditEntry> out = new ArrayList<>();
        try {
            for (AuditEntry e : scan(channel).entries) {
                if (e.getIndex() < start) continue;
                if (!federationId.isEmpty() && !federationId.equals(e.getFederationId())) continue;
                out.add(e);
                if (out.size() >= max) break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + file, e);
        }
        return out;
    }

    public synchronized long size() {
        return next;
    }

    private record Scan(List<AuditEntry> entries, long validEnd) {
    }

    private static Scan scan(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer all = ByteBuffer.allocate((int) size);
        long pos = 0;
        while (all.hasRemaining()) {
            int n = ch.read(all, pos);
            if (n < 0) break;
            pos += n;
        }
        byte[] bytes = all.array();
        List<AuditEntry> entries = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        long validEnd = 0;
        while (!in.isAtEnd()) {
            try {
                int length = in.readRawVarint32();
                if (length < 0 || in.getTotalBytesRead() + (long) length > bytes.length) break;
                entries.add(AuditEntry.parseFrom(in.readRawBytes(length)));
                validEnd = in.getTotalBytesRead();
            } catch (IOException torn) {
                break;
            }
        }
        return new Scan(entries, validEnd);
    }
}
