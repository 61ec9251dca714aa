package io.fedfactory.console.pages;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedfactory.console.aggregator.AggregatorClient;
import io.fedfactory.console.login.CurrentSession;
import io.fedfactory.console.login.Session;
import io.fedfactory.console.login.Sessions;
import io.fedfactory.proto.v1.AuditEntry;
import io.fedfactory.proto.v1.AuditRecord;
import io.fedfactory.proto.v1.DeleteModulesRequest;
import io.fedfactory.proto.v1.DeleteModulesResponse;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.GetCertificateRequest;
import io.fedfactory.proto.v1.ListAuditRecordsRequest;
import io.fedfactory.proto.v1.ListAuditRecordsResponse;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.UnlearningCertificate;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Role;
import io.fedfactory.security.SignedMessages;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * For auditors: unlearning (a site or modules, with a reason), the certificate as it arrives with its
 * verification, and the audit trail with filters. The console refuses other roles before calling; the
 * aggregator checks and audits again as the logged-in person.
 */
@Path("/")
public class UnlearningPages {

    static final Identity SIGNER = Identity.service("aggregator");
    static final int MAX_AUDIT_ROWS = 10_000;

    @Inject
    AggregatorClient aggregator;
    @Inject
    CurrentSession current;
    @Inject
    Views views;
    @Inject
    Sessions sessions;

    public record AuditRow(long index, String time, String actor, String action, String target, String reason, String outcome,
                           String detail) {
    }

    @GET
    @Path("federations/{id}/unlearn")
    @Produces(MediaType.TEXT_HTML)
    public String form(@PathParam("id") String id) {
        Session who = auditor();
        Inputs.id("federation_id", id);
        var status = aggregator.admin(who).getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(id).build());
        List<ModuleRecord> modules = aggregator.admin(who).listModules(ListModulesRequest.newBuilder().setFederationId(id).build())
                .getModulesList();
        List<ModulePages.ModuleRow> rows = modules.stream().map(ModulePages::row).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("sites", status.getSitesList());
        data.put("modules", rows);
        data.put("maxReason", Inputs.MAX_REASON);
        return views.page("unlearn", "Unlearn from " + id, who, data);
    }

    @POST
    @Path("federations/{id}/unlearn")
    public Response unlearn(@PathParam("id") String id, @FormParam("csrf") String csrf, @FormParam("site_id") String siteId,
                            @FormParam("module_ids") List<String> moduleIds, @FormParam("reason") String reason) {
        Session who = auditor();
        Inputs.csrf(who, csrf);
        Inputs.id("federation_id", id);
        DeleteModulesRequest.Builder b = DeleteModulesRequest.newBuilder().setFederationId(id).setReason(Inputs.reason(reason));
        boolean bySite = siteId != null && !siteId.isBlank();
        List<String> ids = moduleIds == null ? List.of() : moduleIds.stream().filter(s -> !s.isBlank()).toList();
        if (bySite == !ids.isEmpty()) {
            throw ConsoleError.badField("site_id", "choose either a site (site_id) or modules (module_ids), not "
                    + (bySite ? "both" : "neither"));
        }
        if (ids.size() > Inputs.MAX_MODULES) {
            throw ConsoleError.badField("module_ids", "at most " + Inputs.MAX_MODULES + " modules, got " + ids.size());
        }
        if (bySite) b.setSiteId(Inputs.siteId("site_id", siteId.strip()));
        for (String m : ids) b.addModuleIds(Inputs.moduleId("module_ids", m));
        DeleteModulesResponse r = aggregator.admin(who).deleteModules(b.build());
        return Response.seeOther(URI.create("/certificates/" + r.getCertificateId())).build();
    }

    @GET
    @Path("certificates/{certificate}")
    @Produces(MediaType.TEXT_HTML)
    public String certificate(@PathParam("certificate") String certificateId) throws InvalidProtocolBufferException {
        Session who = auditor();
        UnlearningCertificate c = fetch(who, certificateId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("c", c);
        data.put("verification", c.getComplete() ? verify(c) : "");
        data.put("verified", c.getComplete() && c.getFromScratchMatches() && verify(c).startsWith("OK"));
        data.put("json", JsonFormat.printer().print(c.toBuilder().clearNewVersionLineage().clearSignerCertificatePem().build()));
        return views.page("certificate", "Certificate " + certificateId, who, data);
    }

    @GET
    @Path("certificates/{certificate}.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response download(@PathParam("certificate") String certificateId) throws InvalidProtocolBufferException {
        Session who = auditor();
        UnlearningCertificate c = fetch(who, certificateId);
        if (!c.getComplete()) throw new ConsoleError(409, "certificate_id", "certificate_id: " + certificateId
                + " is not complete yet (retraining is still running)");
        return Response.ok(JsonFormat.printer().print(c))
                .header("Content-Disposition", "attachment; filename=\"" + certificateId + ".json\"").build();
    }

    @GET
    @Path("audit")
    @Produces(MediaType.TEXT_HTML)
    public String audit(@QueryParam("federation") String federation, @QueryParam("actor") String actor,
                        @QueryParam("action") String action, @QueryParam("outcome") String outcome,
                        @QueryParam("from") String from, @QueryParam("to") String to) {
        Session who = auditor();
        String fed = Inputs.filter("federation", federation);
        if (!fed.isEmpty()) Inputs.id("federation", fed);
        String byActor = Inputs.filter("actor", actor).toLowerCase(Locale.ROOT);
        String byAction = Inputs.filter("action", action).toLowerCase(Locale.ROOT);
        String byOutcome = Inputs.filter("outcome", outcome).toUpperCase(Locale.ROOT);
        Instant after = Inputs.time("from", from);
        Instant before = Inputs.time("to", to);
        if (after != null && before != null && before.isBefore(after)) {
            throw ConsoleError.badField("to", "must not be before from (" + after + "), got " + before);
        }
        List<AuditRow> rows = new ArrayList<>();
        long next = 0;
        boolean more = true;
        while (more && rows.size() < MAX_AUDIT_ROWS) {
            ListAuditRecordsResponse page = aggregator.audit(who).listAuditRecords(ListAuditRecordsRequest.newBuilder()
                    .setFederationId(fed).setStartIndex(next).setMaxRecords(1000).build());
            for (AuditEntry e : page.getEntriesList()) {
                AuditRecord r = e.getRecord();
                Instant at = Instant.parse(r.getTime());
                if (!byActor.isEmpty() && !r.getActor().toLowerCase(Locale.ROOT).contains(byActor)) continue;
                if (!byAction.isEmpty() && !r.getAction().toLowerCase(Locale.ROOT).contains(byAction)) continue;
                if (!byOutcome.isEmpty() && !r.getOutcome().equals(byOutcome)) continue;
                if (after != null && at.isBefore(after)) continue;
                if (before != null && at.isAfter(before)) continue;
                rows.add(new AuditRow(e.getIndex(), r.getTime(), r.getActor(), r.getAction().substring(r.getAction().indexOf('.') + 1),
                        r.getTarget(), r.getReason(), r.getOutcome(), r.getDetail()));
            }
            more = page.getEntriesCount() == 1000 && page.getNextIndex() > next;
            next = page.getNextIndex();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        java.util.Collections.reverse(rows);
        data.put("rows", rows);
        data.put("federation", fed);
        data.put("actor", byActor);
        data.put("action", byAction);
        data.put("outcome", byOutcome);
        data.put("from", after == null ? "" : after.toString());
        data.put("to", before == null ? "" : before.toString());
        return views.page("audit", "Audit trail", who, data);
    }

    private UnlearningCertificate fetch(Session who, String certificateId) {
        Inputs.id("certificate_id", certificateId);
        return aggregator.admin(who).getCertificate(GetCertificateRequest.newBuilder().setCertificateId(certificateId).build());
    }

    /** The check an auditor makes offline: signed by service:aggregator with a certificate of the federation's CA, unaltered. */
    String verify(UnlearningCertificate c) {
        try {
            SignedMessages.verify(c, sessions.ca(), SIGNER, Instant.now());
            return "OK: signed by " + SIGNER + ", unaltered; from-scratch retrain "
                    + (c.getFromScratchMatches() ? "matches" : "DOES NOT match") + " the served weights";
        } catch (SignedMessages.SignatureException e) {
            return "NOT VALID: " + e.getMessage();
        }
    }

    private Session auditor() {
        Session who = current.get();
        if (!who.is(Role.AUDITOR)) {
            throw ConsoleError.forbidden(who.identity() + " may not open the auditor's pages (unlearning, certificates, "
                    + "audit trail): requires role auditor");
        }
        return who;
    }
}
