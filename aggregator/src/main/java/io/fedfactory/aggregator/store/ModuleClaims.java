package io.fedfactory.aggregator.store;

import io.fedfactory.aggregator.store.records.SiteClaim;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.ModuleState;

import java.util.List;

/**
 * The sites holding a stored module. Byte-identical modules from several sites (identical data and
 * seed) are one module, claimed by each site; a site sees, lists and deletes only its own claim.
 */
public final class ModuleClaims {

    private ModuleClaims() {
    }

    /** Every claim, first admission first; a record written before claims has its one claim in its fields. */
    public static List<SiteClaim> of(StoredModule m) {
        if (m.getClaimsCount() > 0) return m.getClaimsList();
        return List.of(SiteClaim.newBuilder().setSiteId(m.getRecord().getManifest().getSiteId())
                .setManifest(m.getRecord().getManifest()).setUploadId(m.getUploadId())
                .setAdmittedAt(m.getRecord().getAdmittedAt()).build());
    }

    public static boolean claimedBy(StoredModule m, String siteId) {
        return of(m).stream().anyMatch(c -> c.getSiteId().equals(siteId));
    }

    /** Whether two manifests declare the same module (kind, classes, image spec, sampler), whoever sent it. */
    public static boolean sameModule(ModuleManifest a, ModuleManifest b) {
        return a.toBuilder().clearSiteId().clearProvenance().build().equals(b.toBuilder().clearSiteId().clearProvenance().build());
    }

    static StoredModule withClaim(StoredModule m, SiteClaim claim) {
        return m.toBuilder().clearClaims().addAllClaims(of(m)).addClaims(claim).build();
    }

    /** The module without {@code siteId}'s claim; its record then names the earliest remaining claim. */
    static StoredModule without(StoredModule m, String siteId) {
        List<SiteClaim> rest = of(m).stream().filter(c -> !c.getSiteId().equals(siteId)).toList();
        if (rest.isEmpty()) throw new IllegalArgumentException("module " + m.getRecord().getModuleId() + " has no other claim");
        SiteClaim first = rest.get(0);
        return m.toBuilder().clearClaims().addAllClaims(rest).setUploadId(first.getUploadId())
                .setRecord(m.getRecord().toBuilder().setManifest(first.getManifest())).build();
    }

    /** The module as {@code claim}'s site uploaded it: its manifest and its admission time. */
    public static StoredModule asClaimed(StoredModule m, SiteClaim claim) {
        return m.toBuilder().setUploadId(claim.getUploadId())
                .setRecord(m.getRecord().toBuilder().setManifest(claim.getManifest()).setAdmittedAt(claim.getAdmittedAt()))
                .build();
    }

    /** One record per claim while admitted (each with its site's manifest); a deleted module is one record. */
    public static List<ModuleRecord> records(StoredModule m) {
        if (m.getRecord().getState() != ModuleState.MODULE_STATE_ADMITTED) return List.of(m.getRecord());
        return of(m).stream().map(c -> asClaimed(m, c).getRecord()).toList();
    }
}
