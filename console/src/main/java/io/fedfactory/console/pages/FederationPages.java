package io.fedfactory.console.pages;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fedfactory.console.aggregator.AggregatorClient;
import io.fedfactory.console.events.EventFeed;
import io.fedfactory.console.events.FeedEvent;
import io.fedfactory.console.login.CurrentSession;
import io.fedfactory.console.login.Session;
import io.fedfactory.proto.v1.ClassificationMetrics;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.FederationStatus;
import io.fedfactory.proto.v1.FederationStatusRequest;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.StartTrainingRequest;
import io.fedfactory.proto.v1.CloseFederationRequest;
import io.fedfactory.security.Role;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The federations, one federation (spec, sites, admissions and rejections, live progress), its actions. */
@Path("/")
public class FederationPages {

    @Inject
    AggregatorClient aggregator;
    @Inject
    EventFeed feed;
    @Inject
    CurrentSession current;
    @Inject
    Views views;

    public record FederationRow(String id, String state, int modules, int sites, String served, int classes) {
    }

    public record SiteRow(String siteId, List<String> admitted, List<FeedEvent> rejected, String metrics) {
    }

    @GET
    public Response root() {
        return Response.seeOther(URI.create("/federations")).build();
    }

    @GET
    @Path("federations")
    @Produces(MediaType.TEXT_HTML)
    public String federations() {
        Session who = current.get();
        List<FederationRow> rows = new ArrayList<>();
        for (FederationSpec spec : feed.federations(who)) {
            FederationStatus s;
            try {
                s = status(who, spec.getFederationId());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND || e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) continue;
                throw e;
            }
            rows.add(new FederationRow(spec.getFederationId(), Shown.enumName(s.getState(), "FEDERATION_STATE_"), s.getModules(),
                    s.getSitesCount(), s.getCurrentModelVersion(), spec.getLabelNamesCount()));
        }
        return views.page("federations", "Federations", who, Map.of("rows", rows));
    }

    @GET
    @Path("federations/{id}")
    @Produces(MediaType.TEXT_HTML)
    public String federation(@PathParam("id") String id) throws InvalidProtocolBufferException {
        Session who = current.get();
        Inputs.id("federation_id", id);
        FederationStatus s = status(who, id);
        List<ModuleRecord> modules = aggregator.admin(who).listModules(modulesOf(who, id)).getModulesList();
        Map<String, List<String>> admitted = new TreeMap<>();
        for (ModuleRecord m : modules) {
            admitted.computeIfAbsent(m.getManifest().getSiteId(), k -> new ArrayList<>())
                    .add(Shown.shortId(m.getModuleId()) + " " + m.getManifest().getClassesList());
        }
        Map<String, List<FeedEvent>> rejected = new TreeMap<>();
        for (FeedEvent f : feed.rejections(id, who)) {
            rejected.computeIfAbsent(f.event().getModuleRejected().getSiteId(), k -> new ArrayList<>()).add(f);
        }
        List<String> sites = new ArrayList<>(s.getSpec().getEnrolledSiteIdsList());
        if (who.is(Role.SITE)) sites.retainAll(List.of(who.siteId()));
        List<SiteRow> siteRows = new ArrayList<>();
        for (String site : sites) {
            ClassificationMetrics m = s.getSiteMetricsMap().get(site);
            siteRows.add(new SiteRow(site, admitted.getOrDefault(site, List.of()), rejected.getOrDefault(site, List.of()),
                    m == null ? "" : "accuracy " + Shown.fraction(m.getAccuracy()) + " on " + m.getExamples() + " images"));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("state", Shown.enumName(s.getState(), "FEDERATION_STATE_"));
        data.put("status", s);
        data.put("spec", JsonFormat.printer().print(s.getSpec()));
        data.put("sites", siteRows);
        data.put("uncovered", s.getUncoveredClassesList());
        data.put("coordinator", who.is(Role.COORDINATOR));
        data.put("open", s.getState().name().endsWith("OPEN"));
        return views.page("federation", "Federation " + id, who, data);
    }

    @POST
    @Path("federations/{id}/train")
    public Response train(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        Session who = act(id, csrf);
        aggregator.admin(who).startTraining(StartTrainingRequest.newBuilder().setFederationId(id).build());
        return Response.seeOther(URI.create("/federations/" + id)).build();
    }

    @POST
    @Path("federations/{id}/close")
    public Response close(@PathParam("id") String id, @FormParam("csrf") String csrf) {
        Session who = act(id, csrf);
        aggregator.admin(who).closeFederation(CloseFederationRequest.newBuilder().setFederationId(id).build());
        return Response.seeOther(URI.create("/federations/" + id)).build();
    }

    /** The coordinator acts on federations; the aggregator checks the role again and audits the call. */
    private Session act(String id, String csrf) {
        Session who = current.get();
        Inputs.csrf(who, csrf);
        Inputs.id("federation_id", id);
        if (!who.is(Role.COORDINATOR)) {
            throw ConsoleError.forbidden(who.identity() + " may not act on federations: requires role coordinator");
        }
        return who;
    }

    FederationStatus status(Session who, String id) {
        return aggregator.admin(who).getFederationStatus(FederationStatusRequest.newBuilder().setFederationId(id).build());
    }

    /** A site lists only its own modules (the aggregator refuses anything else). */
    static ListModulesRequest modulesOf(Session who, String federationId) {
        ListModulesRequest.Builder b = ListModulesRequest.newBuilder().setFederationId(federationId);
        if (who.is(Role.SITE)) b.setSiteId(who.siteId());
        return b.build();
    }
}
