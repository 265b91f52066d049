package dev.resnetservice.datasets;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** Data sets: import an image folder (202, then importing, ready or failed), list, look at, delete. */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    private final DatasetRegistry registry;

    public DatasetResource(DatasetRegistry registry) {
        this.registry = registry;
    }

    @GET
    public List<DatasetInfo> list() {
        return registry.list();
    }

    @GET
    @Path("/{name}")
    public DatasetInfo get(@PathParam("name") String name) {
        return registry.get(name);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(ImportRequest request) {
        DatasetInfo info = registry.importFolder(request);
        return Response.accepted(info).location(URI.create("/datasets/" + info.name())).build();
    }

    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        registry.delete(name);
        return Response.noContent().build();
    }
}
