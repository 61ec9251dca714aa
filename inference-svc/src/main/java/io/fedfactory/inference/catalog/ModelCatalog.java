package io.fedfactory.inference.catalog;

import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    public void federationOpened(FederationSpec spec) {
        federations.put(spec.getFederationId(), spec);
    }

    public void modelPublished(ModelVersionInfo info) {
        versions.put(info.getVersion(), info);
    }

    public void modelRevoked(String version) {
        revoked.add(version);
    }

    public boolean isRevoked(String version) {
        return revoked.contains(version);
    }

    public Optional<FederationSpec> federation(String id) {
        return Optional.ofNullable(federations.get(id));
    }

    public List<FederationSpec> federations() {
        List<FederationSpec> all = new ArrayList<>(federations.values());
        all.sort(Comparator.comparing(FederationSpec::getFederationId));
        return all;
    }

    /** The newest published, unrevoked version of a federation (versions are "<federation>-v<n>"). */
    public Optional<ModelVersionInfo> current(String federationId) {
        return versions.values().stream()
                .filter(v -> v.getFederationId().equals(federationId) && !revoked.contains(v.getVersion()))
                .max(Comparator.comparing(ModelVersionInfo::getPublishedAt).thenComparing(ModelVersionInfo::getVersion));
    }
}
