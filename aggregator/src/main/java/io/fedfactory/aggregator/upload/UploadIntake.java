package io.fedfactory.aggregator.upload;

import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.aggregator.admission.ModuleAdmission;
import io.fedfactory.aggregator.admission.ModuleRejectedException;
import io.fedfactory.aggregator.events.EventPublishException;
import io.fedfactory.aggregator.events.ModuleEvents;
import io.fedfactory.aggregator.federation.FederationClosedException;
import io.fedfactory.aggregator.federation.FederationRegistry;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.aggregator.store.ModuleClaims;
import io.fedfactory.aggregator.store.records.SiteClaim;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.aggregator.store.records.StoredUpload;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.UploadHeader;
import io.fedfactory.proto.v1.UploadOffset;
import io.fedfactory.proto.v1.UploadReceipt;
import io.grpc.Status;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.fedfactory.aggregator.upload.UploadRefusedException.invalid;
import static io.fedfactory.aggregator.upload.UploadRefusedException.precondition;

/**
 * The upload protocol behind the gRPC service: accepts a header (or answers at once for a module
 * already stored), receives bytes durably, then admits, stores and announces the module.
 */
@ApplicationScoped
public class UploadIntake {

    private static final Logger LOG = Logger.getLogger(UploadIntake.class);
    static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");

    @Inject
    AggregatorStore store;
    @Inject
    FederationRegistry federations;
    @Inject
    ModuleAdmission admission;
    @Inject
    ModuleEvents events;
    @Inject
    UploadMetrics metrics;
    @Inject
    UploadLimits limits;

    @ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size", defaultValue = "4194304")
    int maxInboundMessageSize;

    private final UploadSlots slots = new UploadSlots();
    /** Final flushes of parts, each beside its upload's admission (idle threads end after a minute). */
    private final ExecutorService flushes = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "fedfactory-upload-flush");
                t.setDaemon(true);
                return t;
            });
    private final SiteUploads inFlight = new SiteUploads();

    @PostConstruct
    void checkLimits() {
        if (limits.maxModuleBytes() < 1) {
            throw new IllegalStateException("fedfactory.upload.max-module-bytes must be >= 1, got " + limits.maxModuleBytes());
        }
        // A chunk must fit in one gRPC message together with its header.
        if (limits.maxChunkBytes() < 1 || limits.maxChunkBytes() > maxInboundMessageSize - 65536) {
            throw new IllegalStateException("fedfactory.upload.max-chunk-bytes must be in [1, "
                    + "quarkus.grpc.server.max-inbound-message-size - 65536 = " + (maxInboundMessageSize - 65536)
                    + "], got " + limits.maxChunkBytes());
        }
        if (limits.maxInFlightPerSite() < 1) {
            throw new IllegalStateException("fedfactory.upload.max-in-flight-per-site must be >= 1, got " + limits.maxInFlightPerSite());
        }
        if (limits.syncIntervalBytes() < 0) {
            throw new IllegalStateException("fedfactory.upload.sync-interval-bytes must be >= 0, got " + limits.syncIntervalBytes());
        }
    }

    /** What a header leads to: a receipt at once (the module is already stored) or an upload to receive. */
    record Start(UploadReceipt receipt, ReceivingUpload upload) {
    }

    Start begin(UploadHeader h) {
        String uploadId = h.getUploadId();
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw invalid("header", "header.upload_id must match " + UPLOAD_ID.pattern() + ", got '" + uploadId + "'")
                    .with(TypedErrors.VALUE, uploadId).with(TypedErrors.LIMIT, UPLOAD_ID.pattern());
        }
        if (h.getSiteModuleCount() < 0 || h.getSiteModuleCount() > 10_000) {
            throw invalid("header", "header.site_module_count must be in [0, 10000], got " + h.getSiteModuleCount());
        }
        String moduleId = h.getManifest().getContentSha256();
        if (!ContentHash.isSha256Hex(moduleId)) {
            throw invalid("header", "header.manifest.content_sha256 must be 64 lowercase hex characters, got '"
                    + moduleId + "'");
        }
        StoredModule known = store.module(moduleId).orElse(null);
        // Another site's identical module is received, checked and claimed like a new one: the answer must
        // not tell this site that someone else holds the same bytes.
        if (known != null && !claimableBy(known, h)) {
            UploadReceipt receipt = alreadyStored(known, h);
            metrics.duplicate();
            return new Start(receipt, null);
        }
        StoredFederation federation;
        try {
            federation = federations.get(h.getFederationId());
            FederationRegistry.requireOpen(federation);
        } catch (io.fedfactory.aggregator.federation.UnknownFederationException e) {
            throw new UploadRefusedException(Status.Code.NOT_FOUND, "federation", "UNKNOWN_FEDERATION",
                    "header.federation_id: " + e.getMessage()).with(TypedErrors.VALUE, h.getFederationId());
        } catch (FederationClosedException e) {
            throw new UploadRefusedException(Status.Code.FAILED_PRECONDITION, "federation", "FEDERATION_NOT_OPEN", e.getMessage())
                    .with(TypedErrors.FIELD, "header.federation_id").with(TypedErrors.VALUE, h.getFederationId());
        }
        if (h.getTotalBytes() < 1 || h.getTotalBytes() > limits.maxModuleBytes()) {
            throw invalid("total_bytes", "header.total_bytes must be in [1, " + limits.maxModuleBytes()
                    + "] (fedfactory.upload.max-module-bytes), got " + h.getTotalBytes()).with(TypedErrors.VALUE, h.getTotalBytes())
                    .with(TypedErrors.LIMIT, "fedfactory.upload.max-module-bytes=" + limits.maxModuleBytes());
        }
        if (!slots.acquire(uploadId, limits.busyWait())) {
            throw precondition("busy", "upload_id '" + uploadId + "' is being received on another stream; "
                    + "retry once that stream has ended");
        }
        try {
            String site = h.getManifest().getSiteId();
            if (!inFlight.acquire(site, uploadId, limits.maxInFlightPerSite())) {
                throw new UploadRefusedException(Status.Code.RESOURCE_EXHAUSTED, "in_flight", "site '" + site
                        + "' already has " + limits.maxInFlightPerSite() + " uploads in flight "
                        + "(fedfactory.upload.max-in-flight-per-site=" + limits.maxInFlightPerSite()
                        + "); finish or cancel one first").with(TypedErrors.FIELD, "header.manifest.site_id")
                        .with(TypedErrors.VALUE, site)
                        .with(TypedErrors.LIMIT, "fedfactory.upload.max-in-flight-per-site=" + limits.maxInFlightPerSite());
            }
            try {
                admission.checkManifest(federation.getSpec(), h.getManifest());
            } catch (ModuleRejectedException e) {
                reject(h, e);
            }
            StoredUpload previous = store.upload(uploadId).orElse(null);
            if (previous != null) resumable(previous, h);
            store.putUpload(StoredUpload.newBuilder()
                    .setHeader(h)
                    .setStartedAt(previous != null ? previous.getStartedAt() : AggregatorStore.rfc3339(Instant.now()))
                    .build());
            ReceivingUpload upload = new ReceivingUpload(h, federation.getSpec(),
                    store.parts().append(uploadId, limits.syncIntervalBytes()), limits.maxChunkBytes());
            LOG.debugf("upload %s of module %s for %s: %s at offset %d of %d", uploadId, moduleId,
                    h.getFederationId(), previous == null ? "started" : "resumed", upload.stored(), h.getTotalBytes());
            return new Start(null, upload);
        } catch (RuntimeException e) {
            inFlight.release(uploadId);
            slots.release(uploadId);
            throw e;
        }
    }

    /** Waits for a part's final flush; its failure is this upload's, as if the flush had run on this thread. */
    private static void awaitFlush(CompletableFuture<Void> flushed) {
        try {
            flushed.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** Ends a stream that stopped early: flushes what arrived and keeps it for resumption. */
    void suspend(ReceivingUpload upload) {
        try {
            upload.part().close();
        } finally {
            inFlight.release(upload.uploadId());
            slots.release(upload.uploadId());
        }
        LOG.infof("upload %s suspended at %d of %d bytes", upload.uploadId(), upload.stored(), upload.header.getTotalBytes());
    }

    /**
     * The client sent its last chunk: admit, store, announce, then answer with the receipt. The part's
     * final flush to disk runs while admission checks the bytes (they are the same bytes whether or not
     * they are on disk yet); the module is stored and the receipt sent only after both have finished.
     */
    UploadReceipt finish(ReceivingUpload u) {
        UploadHeader h = u.header;
        try {
            CompletableFuture<Void> flushed = CompletableFuture.runAsync(u.part()::close, flushes);
            List<String> passed = null;
            ModuleRejectedException rejected = null;
            try {
                if (u.stored() != h.getTotalBytes()) {
                    throw invalid("truncated", "upload ended after " + u.stored() + " of header.total_bytes "
                            + h.getTotalBytes() + " bytes; resume from offset " + u.stored()).with(TypedErrors.FIELD, "data")
                            .with(TypedErrors.VALUE, u.stored()).with(TypedErrors.LIMIT, "header.total_bytes=" + h.getTotalBytes());
                }
                try {
                    passed = metrics.admissionTimer().record(() -> admission.admit(u.spec, h.getManifest(), u.part().file(), u.part().sha256()));
                } catch (ModuleRejectedException e) {
                    rejected = e;
                }
            } finally {
                awaitFlush(flushed);
            }
            if (rejected != null) {
                reject(h, rejected);
                return null;
            }
            List<String> checks = passed;
            UploadReceipt receipt;
            try {
                receipt = federations.commitWhileOpen(h.getFederationId(), federation -> commit(u, checks));
            } catch (FederationClosedException e) {
                store.discardUpload(h.getUploadId());
                throw new UploadRefusedException(Status.Code.FAILED_PRECONDITION, "federation", "FEDERATION_NOT_OPEN",
                    e.getMessage() + " (it closed while this upload was received)").with(TypedErrors.FIELD, "header.federation_id");
            }
            if (receipt.getAlreadyStored()) metrics.duplicate(); else metrics.admitted(System.nanoTime() - u.startedNanos);
            return receipt;
        } finally {
            inFlight.release(h.getUploadId());
            slots.release(h.getUploadId());
        }
    }

    private UploadReceipt commit(ReceivingUpload u, List<String> passed) {
        UploadHeader h = u.header;
        String moduleId = h.getManifest().getContentSha256();
        StoredModule known = store.module(moduleId).orElse(null);
        if (known != null && claimableBy(known, h)) return claim(known, h);
        if (known != null) {
            // Another stream stored the same bytes while this one was being checked.
            store.discardUpload(h.getUploadId());
            return alreadyStored(known, h);
        }
        Instant now = Instant.now();
        StoredModule module = StoredModule.newBuilder()
                .setRecord(ModuleRecord.newBuilder()
                        .setModuleId(moduleId)
                        .setManifest(h.getManifest())
                        .setState(ModuleState.MODULE_STATE_ADMITTED)
                        .setSizeBytes(h.getTotalBytes())
                        .setAdmittedAt(AggregatorStore.rfc3339(now)))
                .setFederationId(h.getFederationId())
                .addAllChecksPassed(passed)
                .setUploadId(h.getUploadId())
                .build();
        store.admitModule(module, u.part().file());
        store.putUpload(StoredUpload.newBuilder()
                .setHeader(h)
                .setStartedAt(store.upload(h.getUploadId()).map(StoredUpload::getStartedAt).orElse(""))
                .setCompletedModuleId(moduleId)
                .setCompletedAt(AggregatorStore.rfc3339(now))
                .build());
        events.admitted(module);
        LOG.infof("module %s admitted into %s: site %s, kind %s, classes %s, %d bytes", moduleId, h.getFederationId(),
                h.getManifest().getSiteId(), h.getManifest().getKind(), h.getManifest().getClassesList(), h.getTotalBytes());
        return receipt(module, false);
    }

    /** An admitted module of this federation that the uploading site does not claim yet. */
    private static boolean claimableBy(StoredModule known, UploadHeader h) {
        return known.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED
                && known.getFederationId().equals(h.getFederationId())
                && !ModuleClaims.claimedBy(known, h.getManifest().getSiteId());
    }

    /**
     * The site uploaded bytes another site's module already has (identical data and seed): the bytes are
     * kept once, the site's claim is added, and its receipt is that of a new admission.
     */
    private UploadReceipt claim(StoredModule known, UploadHeader h) {
        String moduleId = known.getRecord().getModuleId();
        if (!ModuleClaims.sameModule(known.getRecord().getManifest(), h.getManifest())) {
            store.discardUpload(h.getUploadId());
            throw precondition("header", "module " + moduleId + " is admitted with another declaration of its kind, "
                    + "classes, image spec or sampler; the same bytes are one module");
        }
        String now = AggregatorStore.rfc3339(Instant.now());
        SiteClaim claim = SiteClaim.newBuilder().setSiteId(h.getManifest().getSiteId()).setManifest(h.getManifest())
                .setUploadId(h.getUploadId()).setAdmittedAt(now).build();
        StoredModule claimed = ModuleClaims.asClaimed(store.addClaim(moduleId, claim), claim);
        store.parts().delete(h.getUploadId());
        store.putUpload(StoredUpload.newBuilder()
                .setHeader(h)
                .setStartedAt(store.upload(h.getUploadId()).map(StoredUpload::getStartedAt).orElse(""))
                .setCompletedModuleId(moduleId)
                .setCompletedAt(now)
                .build());
        events.admitted(claimed);
        LOG.infof("module %s claimed in %s by site %s as well (identical bytes)", moduleId, h.getFederationId(),
                h.getManifest().getSiteId());
        return receipt(claimed, false);
    }

    /** How many bytes of an upload are stored; waits for a stream still receiving it to end first. */
    UploadOffset offset(String uploadId) {
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw invalid("header", "upload_id must match " + UPLOAD_ID.pattern() + ", got '" + uploadId + "'")
                    .with(TypedErrors.VALUE, uploadId).with(TypedErrors.LIMIT, UPLOAD_ID.pattern());
        }
        UploadOffset.Builder answer = UploadOffset.newBuilder().setUploadId(uploadId);
        StoredUpload upload = store.upload(uploadId).orElse(null);
        if (upload == null) return answer.setStoredBytes(0).build();
        if (!upload.getCompletedModuleId().isEmpty()) {
            return answer.setStoredBytes(upload.getHeader().getTotalBytes())
                    .setCompletedModuleId(upload.getCompletedModuleId()).build();
        }
        if (!slots.acquire(uploadId, limits.busyWait())) {
            throw new UploadRefusedException(Status.Code.UNAVAILABLE, "busy", "upload_id '" + uploadId
                    + "' is still being received on another stream; ask again once it has ended");
        }
        try {
            StoredUpload now = store.upload(uploadId).orElse(upload);
            if (!now.getCompletedModuleId().isEmpty()) {
                return answer.setStoredBytes(now.getHeader().getTotalBytes())
                        .setCompletedModuleId(now.getCompletedModuleId()).build();
            }
            return answer.setStoredBytes(store.parts().length(uploadId)).build();
        } finally {
            slots.release(uploadId);
        }
    }

    private void resumable(StoredUpload previous, UploadHeader h) {
        String id = h.getUploadId();
        if (!previous.getCompletedModuleId().isEmpty()) {
            throw precondition("header", "upload_id '" + id + "' already completed as module "
                    + previous.getCompletedModuleId() + "; send a different module under a new upload_id")
                    .with(TypedErrors.FIELD, "header.upload_id").with(TypedErrors.VALUE, id);
        }
        UploadHeader p = previous.getHeader();
        if (!p.getFederationId().equals(h.getFederationId())
                || !p.getManifest().getContentSha256().equals(h.getManifest().getContentSha256())
                || p.getTotalBytes() != h.getTotalBytes()) {
            throw precondition("header", "upload_id '" + id + "' is in progress for federation_id '"
                    + p.getFederationId() + "', content_sha256 " + p.getManifest().getContentSha256() + ", total_bytes "
                    + p.getTotalBytes() + "; a resumed upload must repeat them (or use a new upload_id)")
                    .with(TypedErrors.FIELD, "header.upload_id").with(TypedErrors.VALUE, id);
        }
    }

    /** Forgets everything of the upload, announces the rejection, and refuses with the check's name first. */
    private void reject(UploadHeader h, ModuleRejectedException e) {
        store.discardUpload(h.getUploadId());
        metrics.rejected(e.check().id());
        LOG.infof("upload %s from site %s rejected by %s", h.getUploadId(), h.getManifest().getSiteId(), e.getMessage());
        try {
            events.rejected(h.getUploadId(), h.getFederationId(), h.getManifest().getSiteId(), e.check().id(), e.detail());
        } catch (EventPublishException unacknowledged) {
            // Nothing was stored, so there is no state to re-announce later; the client still learns why.
            LOG.warnf("ModuleRejected for upload %s was not acknowledged: %s", h.getUploadId(), unacknowledged.getMessage());
        }
        UploadRefusedException refused = new UploadRefusedException(Status.Code.INVALID_ARGUMENT, "admission",
                e.check().id().toUpperCase(java.util.Locale.ROOT), e.getMessage());
        // The message starts with the check's name, which is the reason, not a field; the field is the detail's.
        refused.without(TypedErrors.FIELD).with("check", e.check().id());
        e.metadata().forEach(refused::with);
        throw refused;
    }

    private UploadReceipt alreadyStored(StoredModule known, UploadHeader h) {
        String id = known.getRecord().getModuleId();
        if (known.getRecord().getState() != ModuleState.MODULE_STATE_ADMITTED) {
            throw precondition("deleted", "module " + id + " was deleted at " + known.getRecord().getDeletedAt()
                    + "; a deleted module cannot be uploaded again").with(TypedErrors.FIELD, "header.manifest.content_sha256")
                    .with(TypedErrors.VALUE, id);
        }
        if (!known.getFederationId().equals(h.getFederationId())) {
            throw precondition("header", "module " + id + " is already admitted in federation '"
                    + known.getFederationId() + "'; a module belongs to one federation (header.federation_id is '"
                    + h.getFederationId() + "')").with(TypedErrors.FIELD, "header.federation_id")
                    .with(TypedErrors.VALUE, h.getFederationId());
        }
        // The announcement of the first admission may never have been acknowledged; a retry repeats it.
        if (!known.getAnnounced()) events.admitted(known);
        String site = h.getManifest().getSiteId();
        StoredModule own = ModuleClaims.of(known).stream().filter(c -> c.getSiteId().equals(site)).findFirst()
                .map(c -> ModuleClaims.asClaimed(known, c)).orElse(known);
        return receipt(own, true);
    }

    private static UploadReceipt receipt(StoredModule m, boolean alreadyStored) {
        return UploadReceipt.newBuilder()
                .setModuleId(m.getRecord().getModuleId())
                .setFederationId(m.getFederationId())
                .setStoredBytes(m.getRecord().getSizeBytes())
                .setAlreadyStored(alreadyStored)
                .addAllChecksPassed(m.getChecksPassedList())
                .setAdmittedAt(m.getRecord().getAdmittedAt())
                .build();
    }
}
