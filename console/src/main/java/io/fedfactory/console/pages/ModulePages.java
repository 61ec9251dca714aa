package io.fedfactory.console.pages;

import io.fedfactory.console.aggregator.AggregatorClient;
import io.fedfactory.console.login.CurrentSession;
import io.fedfactory.console.login.Session;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModelVersionsRequest;
import io.fedfactory.proto.v1.MemorizationReport;
import io.fedfactory.proto.v1.ModelVersionInfo;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.TrainingProvenance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Modules (kind, classes, size, provenance, memorization verdict, sample grid) and model versions. */
@Path("/")
public class ModulePages {

    @Inject
    AggregatorClient aggregator;
    @Inject
    CurrentSession current;
    @Inject
    Views views;
    @Inject
    SampleGrids grids;

    public record ModuleRow(String id, String shortId, String site, String kind, String classes, String size, String state,
                            String provenance, String libraries, String verdict, boolean flagged) {
    }

    public record VersionRow(String version, String publishedAt, List<String> lineage, String accuracy, boolean revoked,
                             String revokedAt, String revokedReason, boolean served, String weightSha256) {
    }

    @GET
    @Path("federations/{id}/modules")
    @Produces(MediaType.TEXT_HTML)
    public String modules(@PathParam("id") String id) {
        Session who = current.get();
        Inputs.id("federation_id", id);
        List<ModuleRow> rows = list(who, id).stream().map(ModulePages::row).toList();
        return views.page("modules", "Modules of " + id, who, Map.of("id", id, "rows", rows));
    }

    @GET
    @Path("federations/{id}/modules/{module}")
    @Produces(MediaType.TEXT_HTML)
    public String module(@PathParam("id") String id, @PathParam("module") String moduleId) {
        Session who = current.get();
        Inputs.id("federation_id", id);
        Inputs.moduleId("module_id", moduleId);
        ModuleRecord m = list(who, id).stream().filter(r -> r.getModuleId().equals(moduleId)).findFirst()
                .orElseThrow(() -> new ConsoleError(404, "module_id", "module_id: no module " + moduleId + " in " + id
                        + (who.siteId() != null ? " uploaded by " + who.siteId() : "")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("m", row(m));
        data.put("memorization", m.getManifest().hasMemorization() ? memorization(m.getManifest().getMemorization()) : List.of());
        data.put("admitted", m.getState().name().endsWith("ADMITTED"));
        return views.page("module", "Module " + Shown.shortId(moduleId), who, data);
    }

    @GET
    @Path("federations/{id}/modules/{module}/grid.png")
    @Produces("image/png")
    public Response grid(@PathParam("id") String id, @PathParam("module") String moduleId) {
        Session who = current.get();
        Inputs.id("federation_id", id);
        Inputs.moduleId("module_id", moduleId);
        CacheControl cache = new CacheControl();
        cache.setPrivate(true);
        cache.setMaxAge(3600);
        return Response.ok(grids.grid(who, id, moduleId)).cacheControl(cache).build();
    }

    @GET
    @Path("federations/{id}/versions")
    @Produces(MediaType.TEXT_HTML)
    public String versions(@PathParam("id") String id) {
        Session who = current.get();
        Inputs.id("federation_id", id);
        FederationStatus status = aggregator.admin(who).getFederationStatus(
                FederationStatusRequest.newBuilder().setFederationId(id).build());
        Map<String, String> siteOf = new HashMap<>();
        for (ModuleRecord m : list(who, id)) siteOf.put(m.getModuleId(), m.getManifest().getSiteId());
        List<VersionRow> rows = new ArrayList<>();
        for (ModelVersionInfo v : aggregator.admin(who).listModelVersions(ListModelVersionsRequest.newBuilder()
                .setFederationId(id).build()).getVersionsList()) {
            List<String> lineage = v.getLineageList().stream()
                    .map(mid -> Shown.shortId(mid) + (siteOf.containsKey(mid) ? " (" + siteOf.get(mid) + ")" : "")).toList();
            rows.add(new VersionRow(v.getVersion(), v.getPublishedAt(), lineage,
                    v.hasTrainMetrics() ? Shown.fraction(v.getTrainMetrics().getAccuracy()) : "", v.getRevoked(), v.getRevokedAt(),
                    v.getRevokedReason(), v.getVersion().equals(status.getCurrentModelVersion()), v.getWeightSha256()));
        }
        List<String> siteMetrics = status.getSiteMetricsMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": accuracy " + Shown.fraction(e.getValue().getAccuracy()) + ", balanced "
                        + Shown.fraction(e.getValue().getBalancedAccuracy()) + " on " + e.getValue().getExamples() + " images")
                .toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("rows", rows);
        data.put("served", status.getCurrentModelVersion());
        data.put("siteMetrics", siteMetrics);
        return views.page("versions", "Model versions of " + id, who, data);
    }

    List<ModuleRecord> list(Session who, String id) {
        return aggregator.admin(who).listModules(FederationPages.modulesOf(who, id).toBuilder().setIncludeDeleted(true).build())
                .getModulesList();
    }

    static ModuleRow row(ModuleRecord r) {
        ModuleManifest m = r.getManifest();
        TrainingProvenance p = m.getProvenance();
        String provenance = String.format(Locale.ROOT, "%d examples, %d epochs, seed %d, %.1f s", p.getExamples(),
                p.getEpochs(), p.getSeed(), p.getWallSeconds());
        if (p.hasDifferentialPrivacy()) {
            provenance += String.format(Locale.ROOT, ", DP-SGD epsilon %.2f", p.getDifferentialPrivacy().getEpsilon());
        }
        String libraries = p.getLibraryVersionsMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        String verdict = !m.hasMemorization() ? "no report"
                : m.getMemorization().getFlagged() ? "flagged: " + String.join("; ", m.getMemorization().getReasonsList())
                : String.format(Locale.ROOT, "passed (copy rate %.3f)", m.getMemorization().getPixel().getCopyRate());
        return new ModuleRow(r.getModuleId(), Shown.shortId(r.getModuleId()), m.getSiteId(), Shown.enumName(m.getKind(), "MODULE_KIND_"),
                String.join(", ", m.getClassesList()), Shown.bytes(r.getSizeBytes()), Shown.enumName(r.getState(), "MODULE_STATE_"),
                provenance, libraries, verdict, m.hasMemorization() && m.getMemorization().getFlagged());
    }

    static List<String> memorization(MemorizationReport r) {
        List<String> lines = new ArrayList<>();
        lines.add(r.getSamples() + " samples against " + r.getTrainingImages() + " training and " + r.getHeldOutImages()
                + " held-out images (seed " + r.getSeed() + ")");
        lines.add(String.format(Locale.ROOT, "pixel space: copy rate %.4f", r.getPixel().getCopyRate()));
        if (r.hasFeature()) lines.add(String.format(Locale.ROOT, "%s: copy rate %.4f", r.getFeatureSpace(), r.getFeature().getCopyRate()));
        lines.add(String.format(Locale.ROOT, "limits: copy rate %.4f, nearer-training share %.4f", r.getMaxCopyRate(),
                r.getMaxNearerTrainingShare()));
        lines.add(r.getFlagged() ? "verdict: flagged (" + String.join("; ", r.getReasonsList()) + ")" : "verdict: passed");
        return lines;
    }
}
