package io.fedfactory.inference.api;

import io.fedfactory.inference.catalog.ModelCatalog;
import io.fedfactory.proto.v1.FederationSpec;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** REST view of the federations and model versions this service knows. */
@Path("/v1/federations")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {

    /** One federation as the REST API shows it. */
    public record FederationView(String federationId, List<String> labels, String imageSpec, String currentVersion) {
    }

    @Inject
    ModelCatalog catalog;

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
        return new FederationView(spec.getFederationId(), spec.getLabelNamesList(),
                s.getChannels() + "x" + s.getHeight() + "x" + s.getWidth(),
                catalog.current(spec.getFederationId()).map(v -> v.getVersion()).orElse(null));
    }
}
