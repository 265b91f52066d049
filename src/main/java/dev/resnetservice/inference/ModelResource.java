package dev.resnetservice.inference;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final ModelCatalog catalog;

    public ModelResource(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    public List<ModelInfo> list() {
        return catalog.list();
    }

    @GET
    @Path("/{name}")
    public ModelInfo get(@PathParam("name") String name) {
        return catalog.get(name);
    }

    @PUT
    @Path("/default")
    @Consumes(MediaType.APPLICATION_JSON)
    public ModelInfo setDefault(DefaultModelRequest request) {
        return catalog.setDefault(request == null ? null : request.model());
    }
}
