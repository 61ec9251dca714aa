package io.fedfactory.aggregator.access;

import io.fedfactory.aggregator.models.ModelVersions;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.ModuleClaims;
import io.fedfactory.aggregator.store.records.StoredFederation;
import io.fedfactory.proto.errors.TypedErrors;
import io.fedfactory.proto.v1.AuditTrailGrpc;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModelDownloadGrpc;
import io.fedfactory.proto.v1.ModelDownloadRequest;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleSamplesGrpc;
import io.fedfactory.proto.v1.ModuleUploadGrpc;
import io.fedfactory.proto.v1.SampleGridRequest;
import io.fedfactory.proto.v1.SiteMetricsReport;
import io.fedfactory.proto.v1.UploadChunk;
import io.fedfactory.proto.v1.UploadOffsetRequest;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.fedfactory.aggregator.access.AccessDeniedException.denied;

/**
 * Who may call what (the role table of aggregator/README.md). Two steps: the role, checked when a
 * call starts; then, for sites, what the first request names: their own site id and a federation they
 * are enrolled in. A federation that does not exist is left to the service (NOT_FOUND).
 */
@ApplicationScoped
public class AccessPolicy {

    private static final Set<Role> READERS = EnumSet.of(Role.COORDINATOR, Role.AUDITOR, Role.SITE);

    /** Full method name to the roles that may call it. */
    static final Map<String, Set<Role>> ROLES = Map.ofEntries(
            Map.entry(ModuleUploadGrpc.getUploadMethod().getFullMethodName(), EnumSet.of(Role.SITE)),
            Map.entry(ModuleUploadGrpc.getGetUploadOffsetMethod().getFullMethodName(), EnumSet.of(Role.SITE)),
            Map.entry(FederationAdminGrpc.getCreateFederationMethod().getFullMethodName(), EnumSet.of(Role.COORDINATOR)),
            Map.entry(FederationAdminGrpc.getCloseFederationMethod().getFullMethodName(), EnumSet.of(Role.COORDINATOR)),
            Map.entry(FederationAdminGrpc.getStartTrainingMethod().getFullMethodName(), EnumSet.of(Role.COORDINATOR)),
            Map.entry(FederationAdminGrpc.getDeleteModulesMethod().getFullMethodName(), EnumSet.of(Role.AUDITOR)),
            Map.entry(FederationAdminGrpc.getGetCertificateMethod().getFullMethodName(), EnumSet.of(Role.AUDITOR)),
            Map.entry(FederationAdminGrpc.getGetFederationStatusMethod().getFullMethodName(), READERS),
            Map.entry(FederationAdminGrpc.getListModulesMethod().getFullMethodName(), READERS),
            Map.entry(FederationAdminGrpc.getListModelVersionsMethod().getFullMethodName(), READERS),
            Map.entry(FederationAdminGrpc.getReportSiteMetricsMethod().getFullMethodName(), EnumSet.of(Role.SITE)),
            Map.entry(ModelDownloadGrpc.getDownloadMethod().getFullMethodName(),
                    EnumSet.of(Role.SERVICE, Role.COORDINATOR, Role.AUDITOR, Role.SITE)),
            Map.entry(AuditTrailGrpc.getListAuditRecordsMethod().getFullMethodName(), EnumSet.of(Role.AUDITOR)),
            Map.entry(ModuleSamplesGrpc.getGetSampleGridMethod().getFullMethodName(), READERS));

    /** The metadata field of a refusal by role: the caller's certificate role. */
    static final String ROLE = "role";

    @Inject
    AggregatorStore store;

    @Inject
    ModelVersions versions;

    /** @throws AccessDeniedException when the caller's role may not call {@code method} at all */
    public void checkRole(Identity who, String method) {
        Set<Role> allowed = ROLES.get(method);
        if (allowed == null) {
            throw denied(who + " may not call " + shortName(method) + ": no role may").with(TypedErrors.FIELD, ROLE)
                    .with(TypedErrors.VALUE, who.role().unit()).with(TypedErrors.LIMIT, "none");
        }
        if (!allowed.contains(who.role())) {
            String roles = allowed.stream().map(Role::unit).sorted().collect(Collectors.joining(" or "));
            throw denied(who + " may not call " + shortName(method) + ": requires role " + roles)
                    .with(TypedErrors.FIELD, ROLE).with(TypedErrors.VALUE, who.role().unit()).with(TypedErrors.LIMIT, roles);
        }
    }

    /** @throws AccessDeniedException when the request names another site or a federation the site is not enrolled in */
    public void checkRequest(Identity who, String method, Object request) {
        if (request instanceof DeleteModulesRequest d) {
            String given = d.getRequestedBy();
            if (!given.isEmpty() && !given.equals(who.toString())) {
                throw denied(who + " may not call DeleteModules with requested_by '" + given
                        + "': requested_by is the caller's identity (" + who + ") or empty")
                        .with(TypedErrors.FIELD, "requested_by").with(TypedErrors.VALUE, given)
                        .with(TypedErrors.LIMIT, who.toString());
            }
            return;
        }
        if (who.role() != Role.SITE) return;
        if (request instanceof UploadChunk c) {
            if (!c.hasHeader()) return; // the service refuses a first chunk without header
            ownSite(who, method, "header.manifest.site_id", c.getHeader().getManifest().getSiteId());
            enrolled(who, method, "header.federation_id", c.getHeader().getFederationId());
        } else if (request instanceof UploadOffsetRequest r) {
            store.upload(r.getUploadId()).ifPresent(u -> {
                if (!u.getHeader().getManifest().getSiteId().equals(who.name())) {
                    throw denied(who + " may not call GetUploadOffset for upload_id '" + r.getUploadId()
                            + "': it is an upload of another site").with(TypedErrors.FIELD, "upload_id")
                            .with(TypedErrors.VALUE, r.getUploadId());
                }
            });
        } else if (request instanceof SiteMetricsReport r) {
            ownSite(who, method, "site_id", r.getSiteId());
            enrolled(who, method, "federation_id", r.getFederationId());
        } else if (request instanceof FederationStatusRequest r) {
            enrolled(who, method, "federation_id", r.getFederationId());
        } else if (request instanceof ListModulesRequest r) {
            // Only its own: another site's list would show which modules (content hashes) it holds.
            ownSite(who, method, "site_id", r.getSiteId());
            enrolled(who, method, "federation_id", r.getFederationId());
        } else if (request instanceof ListModelVersionsRequest r) {
            enrolled(who, method, "federation_id", r.getFederationId());
        } else if (request instanceof SampleGridRequest r) {
            enrolled(who, method, "federation_id", r.getFederationId());
            store.module(r.getModuleId()).ifPresent(m -> {
                if (!ModuleClaims.claimedBy(m, who.name())) {
                    throw denied(who + " may not call GetSampleGrid for module '" + r.getModuleId()
                            + "': the site did not upload it").with(TypedErrors.FIELD, "module_id")
                            .with(TypedErrors.VALUE, r.getModuleId());
                }
            });
        } else if (request instanceof ModelDownloadRequest r) {
            String federation = r.getFederationId();
            String field = "federation_id";
            if (!r.getVersion().isEmpty()) {
                federation = versions.get(r.getVersion()).map(ModelVersionInfo::getFederationId).orElse(federation);
                field = "version";
            }
            enrolled(who, method, field, federation);
        }
    }

    private static void ownSite(Identity who, String method, String field, String siteId) {
        if (!who.name().equals(siteId)) {
            throw denied(who + " may not call " + shortName(method) + " for site '" + siteId + "': " + field
                    + " must equal the certificate's name '" + who.name() + "'").with(TypedErrors.FIELD, field)
                    .with(TypedErrors.VALUE, siteId).with(TypedErrors.LIMIT, who.name());
        }
    }

    private void enrolled(Identity who, String method, String field, String federationId) {
        StoredFederation f = store.federation(federationId).orElse(null);
        if (f == null) return;
        if (!f.getSpec().getEnrolledSiteIdsList().contains(who.name())) {
            throw denied(who + " may not call " + shortName(method) + " on federation '" + federationId
                    + "': the site is not enrolled (spec.enrolled_site_ids)").with(TypedErrors.FIELD, field)
                    .with(TypedErrors.VALUE, federationId).with(TypedErrors.LIMIT, "spec.enrolled_site_ids");
        }
    }

    static String shortName(String fullMethodName) {
        return fullMethodName.substring(fullMethodName.lastIndexOf('/') + 1);
    }
}
