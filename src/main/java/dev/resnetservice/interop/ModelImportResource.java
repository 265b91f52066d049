package dev.resnetservice.interop;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import dev.resnetservice.inference.ModelInfo;
import dev.resnetservice.web.InvalidRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * POST /models, multipart/form-data: {@code weights} (a torchvision resnet18 state_dict as
 * safetensors), optional {@code name}, {@code architecture}, {@code classes}, {@code mean}, {@code std}.
 */
@Path("/models")
public class ModelImportResource {

    private final ModelImport imports;

    public ModelImportResource(ModelImport imports) {
        this.imports = imports;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "imported; Location: /models/<name>@0",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelInfo.class)))
    public Response upload(@RestForm("weights") FileUpload weights, @RestForm String name,
            @RestForm String architecture, @RestForm String classes, @RestForm String mean, @RestForm String std)
            throws IOException {
        if (weights == null) {
            throw new InvalidRequestException("weights", "required: the model's state_dict as a .safetensors file");
        }
        ModelInfo model = imports.importWeights(weights.uploadedFile(), new ModelImport.Request(name, architecture,
                classes, mean, std, weights.fileName()));
        return Response.created(URI.create("/models/" + model.name())).entity(model).build();
    }
}
