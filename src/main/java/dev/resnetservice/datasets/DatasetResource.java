package dev.resnetservice.datasets;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.resnetservice.web.InvalidRequestException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

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

    @GET
    @Path("/{name}/samples")
    public DatasetSamples samples(@PathParam("name") String name, @QueryParam("perClass") @DefaultValue("4") int perClass) {
        return registry.samples(name, perClass);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "202", description = "importing; Location: /datasets/<name>, poll it for progress",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetInfo.class)))
    public Response create(ImportRequest request) {
        return accepted(registry.importFolder(request));
    }

    private static Response accepted(DatasetInfo info) {
        return Response.accepted(info).location(URI.create("/datasets/" + info.name())).build();
    }

    /** multipart/form-data: {@code name}, {@code archive} (.zip or .tar.gz), optional {@code testSplit} and {@code seed}. */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @APIResponse(responseCode = "202", description = "importing; Location: /datasets/<name>, poll it for progress",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetInfo.class)))
    public Response upload(@RestForm String name, @RestForm("archive") FileUpload archive, @RestForm Double testSplit,
            @RestForm Long seed) throws IOException {
        if (archive == null) {
            throw new InvalidRequestException("archive", "required: the .zip or .tar.gz file of the image folder");
        }
        String fileName = archive.fileName() == null || archive.fileName().isBlank() ? "archive" : archive.fileName();
        DatasetInfo info = registry.importArchive(new ImportRequest(name, null, fileName, testSplit, seed),
                archive.uploadedFile());
        return accepted(info);
    }

    @DELETE
    @Path("/{name}")
    @APIResponse(responseCode = "204", description = "deleted")
    public Response delete(@PathParam("name") String name) {
        registry.delete(name);
        return Response.noContent().build();
    }
}
