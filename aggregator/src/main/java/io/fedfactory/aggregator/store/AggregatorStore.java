package io.fedfactory.aggregator.store;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.aggregator.store.records.StoredUpload;
import io.fedfactory.proto.v1.FederationState;
import io.fedfactory.proto.v1.ModuleState;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the aggregator must not lose, under one data directory:
 * <pre>
 *   records/&lt;kind&gt;/&lt;id&gt;.pb   protobuf records (federations, modules, uploads, and later model versions, certificates)
 *   blobs/&lt;namespace&gt;/&lt;sha256&gt; content-addressed bytes (module ONNX bytes under "modules")
 *   uploads/&lt;upload id&gt;.part     bytes of uploads in progress
 *   store.lock                    held while open: one aggregator per directory
 * </pre>
 * Opening recovers: temporary files of an interrupted write are deleted, module bytes without an
 * admitted record (a crash between storing the bytes and the record, or during a deletion) are
 * erased, an upload whose module was admitted is marked finished (a crash between the module's record
 * and the upload's), and parts without an upload in progress are deleted.
 */
public final class AggregatorStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AggregatorStore.class);

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final RecordStore records;
    private final UploadParts parts;
    private final Map<String, BlobStore> blobs = new ConcurrentHashMap<>();

    private AggregatorStore(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
        int temps = DurableFiles.deleteTempFiles(root);
        this.records = new RecordStore(root.resolve("records"));
        this.parts = new UploadParts(root.resolve("uploads"));
        Recovery recovery = recover();
        LOG.infof("store %s opened: %d federations, %d modules admitted, %d deleted, %d uploads in progress; "
                        + "marked %d uploads finished; removed %d temporary files, %d orphaned module blobs, %d orphaned parts",
                root, federations().size(), recovery.admitted, recovery.deleted, recovery.uploadsInProgress,
                recovery.uploadsFinished, temps, recovery.orphanBlobs, recovery.orphanParts);
    }

    /** Opens (creating if needed) the store in {@code dir} and recovers its state. */
    public static AggregatorStore open(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        FileChannel ch = null;
        try {
            Files.createDirectories(root);
            ch = FileChannel.open(root.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreException("data directory " + root + " is in use by another aggregator (store.lock is held)");
            }
            return new AggregatorStore(root, ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("could not open the store in " + root, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    public Path root() {
        return root;
    }

    /** Generic durable records: model versions, certificates and anything else a later capability keeps. */
    public RecordStore records() {
        return records;
    }

    /** Content-addressed bytes of one namespace ({@link RecordKinds#MODULE_BLOBS}, "models", "shards"...). */
    public BlobStore blobs(String namespace) {
        if (!RecordStore.KIND.matcher(namespace).matches()) {
            throw new IllegalArgumentException("blob namespace must match " + RecordStore.KIND.pattern() + ", got '" + namespace + "'");
        }
        return blobs.computeIfAbsent(namespace, ns -> new BlobStore(ns, root.resolve("blobs").resolve(ns)));
    }

    public UploadParts parts() {
        return parts;
    }

    // ---- federations

    public void putFederation(StoredFederation federation) {
        records.put(RecordKinds.FEDERATIONS, federation.getSpec().getFederationId(), federation);
    }

    public Optional<StoredFederation> federation(String id) {
        if (!RecordStore.ID.matcher(id).matches()) return Optional.empty();
        return records.get(RecordKinds.FEDERATIONS, id, StoredFederation.parser());
    }

    public List<StoredFederation> federations() {
        return records.list(RecordKinds.FEDERATIONS, StoredFederation.parser());
    }

    /**
     * Marks the event announcing a federation's state acknowledged, unless the state moved on since
     * (then the newer state still awaits its own announcement).
     */
    public synchronized void markFederationAnnounced(String id, FederationState announcedState) {
        federation(id).filter(f -> f.getState() == announcedState && !f.getAnnounced())
                .ifPresent(f -> putFederation(f.toBuilder().setAnnounced(true).build()));
    }

    // ---- modules

    public Optional<StoredModule> module(String moduleId) {
        if (!ContentHash.isSha256Hex(moduleId)) return Optional.empty();
        return records.get(RecordKinds.MODULES, moduleId, StoredModule.parser());
    }

    /** Modules of a federation (admitted and deleted), in module id order. */
    public List<StoredModule> modules(String federationId) {
        return records.list(RecordKinds.MODULES, StoredModule.parser()).stream()
                .filter(m -> m.getFederationId().equals(federationId)).toList();
    }

    /** Path of an admitted module's ONNX bytes; what synthesis loads. */
    public Path moduleBytes(String moduleId) {
        StoredModule m = module(moduleId).orElseThrow(() -> new StoreException("no module " + moduleId));
        if (m.getRecord().getState() != ModuleState.MODULE_STATE_ADMITTED) {
            throw new StoreException("module " + moduleId + " is " + m.getRecord().getState() + "; its bytes are erased");
        }
        return blobs(RecordKinds.MODULE_BLOBS).path(moduleId);
    }

    /**
     * Stores an admitted module: moves its verified bytes from {@code file} into the blob store, then
     * writes its record. Both are durable on return; a crash in between leaves bytes without a record,
     * which the next open erases.
     */
    public synchronized void admitModule(StoredModule module, Path file) {
        String id = module.getRecord().getModuleId();
        if (module.getRecord().getState() != ModuleState.MODULE_STATE_ADMITTED) {
            throw new IllegalArgumentException("module " + id + " must be in state ADMITTED to be stored");
        }
        blobs(RecordKinds.MODULE_BLOBS).adopt(file, id);
        records.put(RecordKinds.MODULES, id, module);
    }

    /** Adds a site's claim to an admitted module (the site uploaded byte-identical bytes); returns the module. */
    public synchronized StoredModule addClaim(String moduleId, io.fedfactory.aggregator.store.records.SiteClaim claim) {
        StoredModule m = module(moduleId).orElseThrow(() -> new StoreException("no module " + moduleId));
        if (m.getRecord().getState() != ModuleState.MODULE_STATE_ADMITTED) {
            throw new StoreException("module " + moduleId + " is " + m.getRecord().getState() + "; it takes no claim");
        }
        if (ModuleClaims.claimedBy(m, claim.getSiteId())) return m;
        m = ModuleClaims.withClaim(m, claim);
        records.put(RecordKinds.MODULES, moduleId, m);
        return m;
    }

    /** Removes a site's claim from a module other sites still claim; returns the module. */
    public synchronized StoredModule releaseClaim(String moduleId, String siteId) {
        StoredModule m = module(moduleId).orElseThrow(() -> new StoreException("no module " + moduleId));
        m = ModuleClaims.without(m, siteId);
        records.put(RecordKinds.MODULES, moduleId, m);
        return m;
    }

    /** Marks ModuleAdmitted acknowledged, unless the module was deleted meanwhile. */
    public synchronized void markModuleAnnounced(String moduleId) {
        module(moduleId).filter(m -> m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED && !m.getAnnounced())
                .ifPresent(m -> records.put(RecordKinds.MODULES, moduleId, m.toBuilder().setAnnounced(true).build()));
    }

    /**
     * Deletes a module for unlearning: the record stays (state DELETED, deleted_at, reason) for audit,
     * the bytes are erased. The record is written first, so a crash before the erase still ends with
     * the bytes gone (the next open erases bytes of deleted modules). Deleting a deleted module changes
     * nothing and returns its record; callers that must refuse that check the state first.
     */
    public synchronized StoredModule deleteModule(String moduleId, Instant deletedAt, String reason) {
        StoredModule m = module(moduleId).orElseThrow(() -> new StoreException("no module " + moduleId));
        if (m.getRecord().getState() != ModuleState.MODULE_STATE_DELETED) {
            m = m.toBuilder()
                    .setRecord(m.getRecord().toBuilder()
                            .setState(ModuleState.MODULE_STATE_DELETED)
                            .setDeletedAt(rfc3339(deletedAt)))
                    .setDeletedReason(reason)
                    .build();
            records.put(RecordKinds.MODULES, moduleId, m);
        }
        blobs(RecordKinds.MODULE_BLOBS).erase(moduleId);
        return m;
    }

    // ---- uploads

    public Optional<StoredUpload> upload(String uploadId) {
        if (!RecordStore.ID.matcher(uploadId).matches()) return Optional.empty();
        return records.get(RecordKinds.UPLOADS, uploadId, StoredUpload.parser());
    }

    public void putUpload(StoredUpload upload) {
        records.put(RecordKinds.UPLOADS, upload.getHeader().getUploadId(), upload);
    }

    /** Forgets an upload entirely: its partial bytes, then its record. */
    public void discardUpload(String uploadId) {
        parts.delete(uploadId);
        records.delete(RecordKinds.UPLOADS, uploadId);
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException e) {
            LOG.warnf("could not release %s/store.lock: %s", root, e.getMessage());
        }
        closeQuietly(lockChannel);
    }

    /** RFC 3339 with milliseconds, the time format of every record and event. */
    public static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private Recovery recover() {
        Recovery r = new Recovery();
        BlobStore moduleBlobs = blobs(RecordKinds.MODULE_BLOBS);
        for (StoredModule m : records.list(RecordKinds.MODULES, StoredModule.parser())) {
            String id = m.getRecord().getModuleId();
            if (m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED) {
                r.admitted++;
                if (!moduleBlobs.contains(id)) LOG.errorf("module %s is admitted but its bytes are missing from %s", id, root);
            } else {
                r.deleted++;
            }
        }
        for (String id : moduleBlobs.ids()) {
            boolean admitted = module(id).map(m -> m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED).orElse(false);
            if (!admitted) {
                moduleBlobs.erase(id);
                r.orphanBlobs++;
            }
        }
        // A crash after a module's record was written but before its upload was marked finished: the
        // upload did finish, as that module (else GetUploadOffset would answer 0 for it forever).
        Map<String, String> moduleOfUpload = new java.util.HashMap<>();
        for (StoredModule m : records.list(RecordKinds.MODULES, StoredModule.parser())) {
            if (!m.getUploadId().isEmpty()) moduleOfUpload.put(m.getUploadId(), m.getRecord().getModuleId());
        }
        for (StoredUpload u : records.list(RecordKinds.UPLOADS, StoredUpload.parser())) {
            String module = moduleOfUpload.get(u.getHeader().getUploadId());
            if (u.getCompletedModuleId().isEmpty() && module != null
                    && module.equals(u.getHeader().getManifest().getContentSha256())) {
                putUpload(u.toBuilder().setCompletedModuleId(module).build());
                r.uploadsFinished++;
            }
        }
        for (String id : parts.ids()) {
            boolean inProgress = upload(id).map(u -> u.getCompletedModuleId().isEmpty()).orElse(false);
            if (!inProgress) {
                parts.delete(id);
                r.orphanParts++;
            }
        }
        for (StoredUpload u : records.list(RecordKinds.UPLOADS, StoredUpload.parser())) {
            if (u.getCompletedModuleId().isEmpty()) r.uploadsInProgress++;
        }
        return r;
    }

    private static final class Recovery {
        int admitted, deleted, uploadsInProgress, uploadsFinished, orphanBlobs, orphanParts;
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
