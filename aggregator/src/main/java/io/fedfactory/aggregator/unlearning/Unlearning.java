package io.fedfactory.aggregator.unlearning;

import io.fedfactory.contracts.EventTypes;
import io.fedfactory.determinism.ContentHash;
import io.fedfactory.aggregator.access.ServerCredential;
import io.fedfactory.aggregator.events.EventPublisher;
import io.fedfactory.security.SignedMessages;
import io.fedfactory.contracts.Topics;
import io.fedfactory.aggregator.federation.FederationRegistry;
import io.fedfactory.aggregator.federation.InvalidRequestException;
import io.fedfactory.aggregator.models.ModelVersions;
import io.fedfactory.aggregator.models.TrainingOutcome;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.ModuleClaims;
import io.fedfactory.aggregator.store.RecordKinds;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.aggregator.training.TrainingJobs;
import io.fedfactory.aggregator.training.TrainingPipeline;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.CertificateIssued;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleDeleted;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Where a model is revoked and a site is unlearned. In order: record the deletion, revoke every
 * version trained from the modules, erase their bytes and shards, retrain from the remaining
 * shards, publish, and certify, with an independent from-scratch retrain (fresh synthesis, fresh
 * training) whose weight hash must equal the new version's.
 */
@ApplicationScoped
public class Unlearning {

    private static final Logger LOG = Logger.getLogger(Unlearning.class);

    @Inject
    AggregatorStore store;

    @Inject
    FederationRegistry federations;

    @Inject
    ModelVersions versions;

    @Inject
    TrainingJobs jobs;

    @Inject
    TrainingPipeline pipeline;

    @Inject
    EventPublisher events;

    @Inject
    ServerCredential signer;

    @Inject
    io.fedfactory.aggregator.events.ModuleEvents moduleEvents;

    /** Before {@code TrainingJobs}' start-up, which then leaves a federation retrained here alone. */
    void onStart(@Observes @Priority(TrainingJobs.START_PRIORITY - 100) StartupEvent e) {
        // A crash after the deletion was recorded but before its certificate was issued: finish it.
        for (UnlearningCertificate c : store.records().list(RecordKinds.CERTIFICATES, UnlearningCertificate.parser())) {
            if (!c.getComplete()) {
                LOG.infof("certificate %s was not issued before the aggregator stopped; finishing it", c.getCertificateId());
                erase(c);
                scheduleRetrain(c);
            }
        }
    }

    public synchronized DeleteModulesResponse delete(DeleteModulesRequest r) {
        String fed = r.getFederationId();
        federations.get(fed); // NOT_FOUND for an unknown federation
        if (r.getReason().isBlank() || r.getReason().length() > 1000) {
            throw new InvalidRequestException("reason is required, 1..1000 characters, got " + r.getReason().length())
                    .with(TypedErrors.FIELD, "reason").with(TypedErrors.VALUE, r.getReason().length())
                    .with(TypedErrors.LIMIT, "1..1000 characters");
        }
        if (r.getRequestedBy().isBlank() || r.getRequestedBy().length() > 256) {
            throw new InvalidRequestException("requested_by is required, 1..256 characters");
        }
        if (r.getModuleIdsCount() > 0 == !r.getSiteId().isEmpty()) {
            throw new InvalidRequestException("give either module_ids or site_id, not both or neither");
        }
        List<StoredModule> all = store.modules(fed);
        TreeSet<String> ids = new TreeSet<>();
        // A module other sites claim too (byte-identical, from identical data) stays: only this site's claim goes.
        TreeSet<String> released = new TreeSet<>();
        if (!r.getSiteId().isEmpty()) {
            all.stream().filter(m -> m.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED
                    && ModuleClaims.claimedBy(m, r.getSiteId()))
                    .forEach(m -> (ModuleClaims.of(m).size() > 1 ? released : ids).add(m.getRecord().getModuleId()));
            if (ids.isEmpty() && released.isEmpty()) {
                throw new UnknownModuleException("site_id '" + r.getSiteId() + "' has no admitted modules in " + fed)
                        .with(TypedErrors.FIELD, "site_id").with(TypedErrors.VALUE, r.getSiteId());
            }
        } else {
            for (String id : r.getModuleIdsList()) {
                StoredModule m = all.stream().filter(x -> x.getRecord().getModuleId().equals(id)).findFirst()
                        .orElseThrow(() -> new UnknownModuleException("module_ids: no module '" + id + "' in " + fed)
                                .with(TypedErrors.VALUE, id));
                if (m.getRecord().getState() == ModuleState.MODULE_STATE_DELETED) {
                    throw new AlreadyDeletedException("module_ids: module '" + id + "' was already deleted at "
                            + m.getRecord().getDeletedAt()).with(TypedErrors.VALUE, id);
                }
                ids.add(id);
            }
        }
        String requestedAt = AggregatorStore.rfc3339(Instant.now());
        String certId = "cert-" + sha256(fed + "|" + String.join(",", ids) + "|" + String.join(",", released) + "|"
                + r.getSiteId() + "|" + requestedAt).substring(0, 20);

        // 1. Record: the request is durable before anything changes.
        UnlearningCertificate.Builder cert = UnlearningCertificate.newBuilder().setCertificateId(certId)
                .setFederationId(fed).addAllDeletedModuleIds(ids).addAllReleasedModuleIds(released).setReason(r.getReason())
                .setRequestedBy(r.getRequestedBy()).setRequestedAt(requestedAt).setSiteId(r.getSiteId());
        store.records().put(RecordKinds.CERTIFICATES, certId, cert.build());

        // 2. Revoke every version trained from them: the inference service stops serving at once.
        List<String> revoked = versions.revokeContaining(ids, "modules deleted: " + r.getReason());
        cert.addAllRevokedVersions(revoked);
        store.records().put(RecordKinds.CERTIFICATES, certId, cert.build());

        // 3. Release the site's claims on modules other sites hold; erase the modules' bytes and shards, and
        //    announce each deletion.
        erase(cert.build());

        // 4-6. Retrain, publish, certify (on the training worker).
        scheduleRetrain(cert.build());
        LOG.infof("deletion %s: %d modules of %s deleted, %d kept for other sites holding identical ones (%s), revoked %s",
                certId, ids.size(), fed, released.size(), r.getReason(), revoked);
        return DeleteModulesResponse.newBuilder().setCertificateId(certId).addAllDeletedModuleIds(ids)
                .addAllReleasedModuleIds(released).addAllRevokedVersions(revoked).build();
    }

    public Optional<UnlearningCertificate> certificate(String id) {
        if (!io.fedfactory.aggregator.store.RecordStore.ID.matcher(id).matches()) return Optional.empty();
        return store.records().get(RecordKinds.CERTIFICATES, id, UnlearningCertificate.parser());
    }

    private void erase(UnlearningCertificate cert) {
        for (String id : cert.getReleasedModuleIdsList()) {
            StoredModule m = store.module(id).orElseThrow();
            if (!ModuleClaims.claimedBy(m, cert.getSiteId())) continue; // released before a restart
            // The module is announced again with the site that holds it now.
            moduleEvents.admitted(store.releaseClaim(id, cert.getSiteId()));
        }
        Path shards = jobs.shardDir(cert.getFederationId());
        for (String id : cert.getDeletedModuleIdsList()) {
            StoredModule before = store.module(id).orElseThrow();
            boolean wasAdmitted = before.getRecord().getState() == ModuleState.MODULE_STATE_ADMITTED;
            StoredModule m = store.deleteModule(id, Instant.now(), cert.getReason());
            deleteShards(shards, id);
            if (wasAdmitted || !cert.getComplete()) {
                Event.Builder e = Event.newBuilder().setModuleDeleted(ModuleDeleted.newBuilder().setModuleId(id)
                        .setSiteId(m.getRecord().getManifest().getSiteId()).setReason(cert.getReason())
                        .setRequestedBy(cert.getRequestedBy()));
                events.publish(Topics.MODULES, id, EventTypes.MODULE_DELETED, cert.getFederationId(), e.clone());
                events.tombstone(Topics.MODULES, id);
                // Keyed by the module id on the audit topic too, as events.proto says of ModuleDeleted.
                events.publish(Topics.AUDIT, id, EventTypes.MODULE_DELETED, cert.getFederationId(), e);
            }
        }
    }

    private void scheduleRetrain(UnlearningCertificate pending) {
        jobs.retrain(pending.getFederationId(), published -> certify(pending, published));
    }

    /** Runs on the training worker: the from-scratch check, then the certificate. */
    private void certify(UnlearningCertificate pending, ModelVersionInfo published) {
        var spec = federations.get(pending.getFederationId()).getSpec();
        Path scratch = jobs.shardDir(pending.getFederationId()).resolveSibling(pending.getCertificateId() + "-scratch");
        String scratchHash;
        try {
            TrainingOutcome fresh = pipeline.run(spec, jobs.admitted(pending.getFederationId()), scratch, null);
            scratchHash = fresh.classifier().weightHash();
        } finally {
            deleteTree(scratch);
        }
        UnlearningCertificate unsigned = pending.toBuilder().setNewVersion(published.getVersion())
                .clearNewLineage().addAllNewLineage(published.getLineageList())
                .setWeightSha256(published.getWeightSha256()).setFromScratchWeightSha256(scratchHash)
                .setNewVersionLineage(published.getFullLineage())
                .setFromScratchMatches(scratchHash.equals(published.getWeightSha256()))
                .setIssuedAt(AggregatorStore.rfc3339(Instant.now())).setComplete(true).build();
        // Signed before it is stored or published, so every copy an auditor can get verifies offline.
        UnlearningCertificate cert = signer.signer().map(c -> SignedMessages.sign(unsigned, c)).orElse(unsigned);
        store.records().put(RecordKinds.CERTIFICATES, cert.getCertificateId(), cert);
        events.publish(Topics.AUDIT, cert.getCertificateId(), EventTypes.CERTIFICATE_ISSUED, cert.getFederationId(),
                Event.newBuilder().setCertificateIssued(CertificateIssued.newBuilder().setCertificate(cert)));
        LOG.infof("certificate %s issued: %s replaces %s, from-scratch weights %s", cert.getCertificateId(),
                cert.getNewVersion(), cert.getRevokedVersionsList(), cert.getFromScratchMatches() ? "match" : "DIFFER");
    }

    private static void deleteShards(Path dir, String moduleId) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(moduleId)).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not erase shards of " + moduleId + " in " + dir, e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warnf("could not remove %s: %s", dir, e.getMessage());
        }
    }

    private static String sha256(String s) {
        return ContentHash.sha256Hex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
