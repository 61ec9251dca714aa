package io.fedfactory.inference.api;

import io.fedfactory.inference.catalog.ModelCatalog;
import io.fedfactory.inference.serving.ModelFetcher;
import io.fedfactory.inference.serving.ServedModels;
import io.fedfactory.inference.serving.ServingState;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.ModelVersionInfo;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** REST view of the federations this service knows and the model version each one serves. */
@Path("/v1/federations")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {

    /**
     * One federation as the REST API shows it.
     *
     * @param currentVersion newest published, unrevoked version (what the service aims to serve)
     * @param servedVersion  the version answering requests now; null when none does
     * @param serving        "serving", "revoked" (the served version was revoked, nothing answers),
     *                       or "none"
     * @param revokedVersion the revoked version while {@code serving} is "revoked"
     * @param fetch          the pending fetch, if any: version, "loading" or "failed", and the error
     */
    public record FederationView(String federationId, List<String> labels, String imageSpec, String currentVersion,
                                 String servedVersion, String serving, String revokedVersion,
                                 ModelFetcher.FetchStatus fetch) {
    }

    @Inject
    ModelCatalog catalog;

    @Inject
    ServedModels served;

    @Inject
    ModelFetcher fetcher;

    @GET
    public List<FederationView> list() {
        return catalog.federations().stream().map(this::view).toList();
    }

    @GET
    @Path("/{id}")
    public FederationView get(@PathParam("id") String id) {
        return catalog.federation(id).map(this::view)
                .orElseThrow(() -> new NotFoundException("no federation with federation_id '" + id + "'"));
    }

    private FederationView view(FederationSpec spec) {
        var s = spec.getImageSpec();
        String id = spec.getFederationId();
        ServingState state = served.state(id).orElse(null);
        String servedVersion = state instanceof ServingState.Serving sv ? sv.model().version() : null;
        String revoked = state instanceof ServingState.Withdrawn w ? w.version().getVersion() : null;
        String serving = servedVersion != null ? "serving" : revoked != null ? "revoked" : "none";
        return new FederationView(id, spec.getLabelNamesList(),
                s.getChannels() + "x" + s.getHeight() + "x" + s.getWidth(),
                catalog.current(id).map(ModelVersionInfo::getVersion).orElse(null),
                servedVersion, serving, revoked, fetcher.status(id).orElse(null));
    }
}
