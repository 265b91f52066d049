package dev.resnetservice.interop;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
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
    public Response export(@PathParam("model") String model, @QueryParam("format") @DefaultValue("safetensors") String format) {
        ModelExport.Export export = exports.export(model, format);
        return Response.ok(export.content(), MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + export.fileName() + "\"")
                .build();
    }
}
