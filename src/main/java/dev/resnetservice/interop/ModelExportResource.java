package dev.resnetservice.interop;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** GET /models/&lt;model&gt;/export?format=safetensors|huggingface|onnx: the model as a file, streamed. */
@Path("/models/{model}/export")
public class ModelExportResource {

    private final ModelExport exports;

    public ModelExportResource(ModelExport exports) {
        this.exports = exports;
    }

    @GET
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @APIResponse(responseCode = "200", description = "the model file (Content-Disposition names it)",
            content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
                    schema = @Schema(type = SchemaType.STRING, format = "binary")))
    public Response export(@PathParam("model") String model, @QueryParam("format") @DefaultValue("safetensors") String format) {
        ModelExport.Export export = exports.export(model, format);
        return Response.ok(export.content(), MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + export.fileName() + "\"")
                .build();
    }
}
