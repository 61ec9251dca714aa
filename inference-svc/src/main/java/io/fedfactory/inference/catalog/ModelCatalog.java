package io.fedfactory.inference.catalog;

import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the inference service knows from the event topics: federations and their model versions.
 * Every update is idempotent, so replaying the topics from the start rebuilds the same catalog; a
 * revocation is permanent, whatever order a replay sees it in.
 */
@ApplicationScoped
public class ModelCatalog {

    private final Map<String, FederationSpec> federations = new ConcurrentHashMap<>();
    private final Map<String, ModelVersionInfo> versions = new ConcurrentHashMap<>();
    /** Revoked version id to the reason given (may be empty). */
    private final Map<String, String> revoked = new ConcurrentHashMap<>();

    public void federationOpened(FederationSpec spec) {
        federations.put(spec.getFederationId(), spec);
    }

    public void modelPublished(ModelVersionInfo info) {
        versions.put(info.getVersion(), info);
    }

    public void modelRevoked(String version, String reason) {
        revoked.putIfAbsent(version, reason == null ? "" : reason);
    }

    public boolean isRevoked(String version) {
        return revoked.containsKey(version);
    }

    /** Why a version was revoked, if it was. */
    public Optional<String> revocationReason(String version) {
        return Optional.ofNullable(revoked.get(version));
    }

    public Optional<FederationSpec> federation(String id) {
        return Optional.ofNullable(federations.get(id));
    }

    public Optional<ModelVersionInfo> version(String version) {
        return Optional.ofNullable(versions.get(version));
    }

    public List<FederationSpec> federations() {
        List<FederationSpec> all = new ArrayList<>(federations.values());
        all.sort(Comparator.comparing(FederationSpec::getFederationId));
        return all;
    }

    /** The newest published version of a federation that was revoked. */
    public Optional<ModelVersionInfo> newestRevoked(String federationId) {
        return versions.values().stream()
                .filter(v -> v.getFederationId().equals(federationId) && revoked.containsKey(v.getVersion()))
                .max(VersionOrder.OLDEST_FIRST);
    }

    /** The newest published, unrevoked version of a federation. */
    public Optional<ModelVersionInfo> current(String federationId) {
        return versions.values().stream()
                .filter(v -> v.getFederationId().equals(federationId) && !revoked.containsKey(v.getVersion()))
                .max(VersionOrder.OLDEST_FIRST);
    }
}
