package io.fedfactory.deploy.local;

import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;
import io.fedfactory.proto.v1.UnlearningCertificate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The invariants a crash must not break, checked on the whole outcome of a trial: what the aggregator
 * and the inference service answer now, every event replayed from the start of the topics, and every
 * prediction answered during the trial. Each violation names the invariant and the entities that broke it.
 */
final class CrashChecker {

    /**
     * How long after its revocation event a revoked version may still answer a request: the time the
     * event takes from the broker to the inference service's consumer (milliseconds on an idle machine).
     */
    static final long REVOCATION_PROPAGATION_MILLIS = 5_000;

    private final FederationAdminGrpc.FederationAdminBlockingStub admin;
    private final FederationAdminGrpc.FederationAdminBlockingStub auditor;
    private final String bootstrap;
    private final String fed;
    private final LocalTls tls;

    CrashChecker(FederationAdminGrpc.FederationAdminBlockingStub admin, FederationAdminGrpc.FederationAdminBlockingStub auditor,
                 String bootstrap, String fed, LocalTls tls) {
        this.admin = admin;
        this.auditor = auditor;
        this.bootstrap = bootstrap;
        this.fed = fed;
        this.tls = tls;
    }

    /** @param lag receives the latest answer of a revoked version after its revocation event, in ms (-1: none) */
    List<String> check(Set<String> receipts, Set<String> acknowledgedDeletions, String certificateId, InferenceProbe probe,
                       long[] lag) {
        List<String> violations = new ArrayList<>();
        List<ModuleRecord> modules = CrashTrials.modules(admin, fed);
        List<String> admitted = CrashTrials.ids(modules, ModuleState.MODULE_STATE_ADMITTED);
        List<String> deleted = CrashTrials.ids(modules, ModuleState.MODULE_STATE_DELETED);

        // 1. Every module whose receipt a site received is admitted, unless an acknowledged deletion removed it.
        for (String id : receipts) {
            boolean ok = admitted.contains(id) || (acknowledgedDeletions.contains(id) && deleted.contains(id));
            if (!ok) violations.add("receipted module " + id + " is neither admitted nor deleted by an acknowledged deletion");
        }
        for (String id : deleted) {
            if (!acknowledgedDeletions.contains(id)) violations.add("module " + id + " is deleted, but no deletion of it was acknowledged");
        }

        // 2. No two model versions come from the same lineage.
        List<ModelVersionInfo> versions = CrashTrials.versions(admin, fed);
        Map<List<String>, String> byLineage = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (ModelVersionInfo v : versions) {
            String earlier = byLineage.putIfAbsent(v.getLineageList(), v.getVersion());
            if (earlier != null) violations.add("versions " + earlier + " and " + v.getVersion() + " have the same lineage " + v.getLineageList());
        }

        // 3. The served (newest unrevoked) version's lineage is exactly the admitted modules.
        ModelVersionInfo current = versions.stream().filter(v -> !v.getRevoked()).reduce((a, b) -> b).orElse(null);
        if (current == null) {
            violations.add("no unrevoked version is published");
        } else if (!current.getLineageList().equals(admitted)) {
            violations.add("served version " + current.getVersion() + " has lineage " + current.getLineageList() + ", admitted are " + admitted);
        }

        // 4. Replaying every topic from the start rebuilds the aggregator's view.
        Replay replay = replay();
        if (!replay.admitted.equals(new TreeSet<>(admitted))) {
            violations.add("replayed admitted modules " + replay.admitted + " differ from the aggregator's " + admitted);
        }
        Set<String> published = new TreeSet<>();
        Set<String> revoked = new TreeSet<>();
        for (ModelVersionInfo v : versions) {
            published.add(v.getVersion());
            if (v.getRevoked()) revoked.add(v.getVersion());
        }
        if (!replay.published.equals(published)) violations.add("replayed versions " + replay.published + " differ from " + published);
        if (!replay.revoked.equals(revoked)) violations.add("replayed revocations " + replay.revoked + " differ from " + revoked);
        if (!replay.federationKnown) violations.add("no FederationOpened for " + fed + " on the topic");

        // 5. Every certificate is complete, signed, and matches its from-scratch retrain.
        UnlearningCertificate cert = CrashTrials.retry(() -> auditor.getCertificate(
                GetCertificateRequest.newBuilder().setCertificateId(certificateId).build()));
        if (!cert.getComplete()) violations.add("certificate " + certificateId + " is not complete");
        if (!cert.getFromScratchMatches()) violations.add("certificate " + certificateId + " does not match its from-scratch retrain");
        String verdict = tls.verifyOffline(cert);
        if (!verdict.startsWith("OK")) violations.add("certificate " + certificateId + ": " + verdict);
        if (!replay.certificates.contains(certificateId)) violations.add("CertificateIssued for " + certificateId + " is not on the audit topic");

        // 6. The inference service serves the current version, and no revoked version ever answers after its revocation event
        //    (only where the run has an application asking it: probe is null otherwise).
        if (current != null && probe != null) violations.addAll(serving(probe, current.getVersion(), replay.revokedAt, lag));
        return violations;
    }

    private List<String> serving(InferenceProbe probe, String current, Map<String, Long> revokedAt, long[] lag) {
        List<String> violations = new ArrayList<>();
        String served;
        try {
            served = CrashTrials.await(() -> {
                try {
                    return probe.predict("").getModelVersion();
                } catch (io.grpc.StatusRuntimeException e) {
                    return e.getStatus().getCode() + " " + io.fedfactory.proto.errors.TypedErrors.reason(e);
                }
            }, current::equals, Duration.ofMinutes(3), "prediction by " + current);
        } catch (AssertionError e) {
            served = e.getMessage();
        }
        if (!served.equals(current)) violations.add("the inference service does not serve the current version " + current + ": " + served);
        for (String v : revokedAt.keySet()) {
            try {
                probe.predict(v);
                violations.add("revoked version " + v + " answered a request that required it");
            } catch (io.grpc.StatusRuntimeException expected) {
                // refused, as a revoked version must be
            }
        }
        List<InferenceProbe.Answer> answers = probe.answers();
        for (Map.Entry<String, Long> r : revokedAt.entrySet()) {
            String v = r.getKey();
            long at = r.getValue();
            long withdrawn = Long.MAX_VALUE; // the first request after the event that v did not answer
            int late = 0;
            int again = 0;
            for (InferenceProbe.Answer a : answers) {
                if (a.sentMillis() <= at) continue;
                if (a.version().equals(v)) {
                    lag[0] = Math.max(lag[0], a.sentMillis() - at);
                    if (a.sentMillis() > at + REVOCATION_PROPAGATION_MILLIS) late++;
                    if (a.sentMillis() > withdrawn) again++;
                } else if (!a.version().isEmpty() || a.refusal().equals("NOT_SERVED")) {
                    withdrawn = Math.min(withdrawn, a.sentMillis());
                }
            }
            if (late > 0) violations.add("revoked version " + v + " answered " + late + " requests sent more than "
                    + REVOCATION_PROPAGATION_MILLIS + " ms after its revocation event");
            if (again > 0) violations.add("revoked version " + v + " answered " + again
                    + " requests after the inference service had withdrawn it");
        }
        return violations;
    }

    private record Replay(Set<String> admitted, Set<String> published, Set<String> revoked, Set<String> certificates,
                          boolean federationKnown, Map<String, Long> revokedAt) {
    }

    private Replay replay() {
        Set<String> admitted = new TreeSet<>();
        Set<String> published = new TreeSet<>();
        Set<String> revoked = new TreeSet<>();
        Set<String> certificates = new HashSet<>();
        Set<String> deletedIds = new HashSet<>();
        Map<String, Long> revokedAt = new TreeMap<>();
        boolean[] known = {false};
        for (TopicReplay.Stamped r : TopicReplay.stamped(bootstrap, fed)) {
            Event e = r.event();
            if (e.hasFederationOpened()) known[0] = true;
            if (e.hasModuleAdmitted()) admitted.add(e.getModuleAdmitted().getModuleId());
            if (e.hasModuleDeleted()) deletedIds.add(e.getModuleDeleted().getModuleId());
            if (e.hasModelPublished()) published.add(e.getModelPublished().getInfo().getVersion());
            if (e.hasModelRevoked()) {
                revoked.add(e.getModelRevoked().getVersion());
                revokedAt.merge(e.getModelRevoked().getVersion(), r.timestamp(), Math::min);
            }
            if (e.hasCertificateIssued()) certificates.add(e.getCertificateIssued().getCertificate().getCertificateId());
        }
        admitted.removeAll(deletedIds); // topics interleave in any order: a deletion wins over its admission
        return new Replay(admitted, published, revoked, certificates, known[0], revokedAt);
    }
}
