package dev.resnetservice.inference.oip;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;

/**
 * The Open Inference Protocol's REST endpoints (KServe V2). Errors under /v2 are {@code {"error": ...}}
 * (ProblemMapper answers in that form on these paths).
 */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class OipResource {

    private final OipService service;

    public OipResource(OipService service) {
        this.service = service;
    }

    @GET
    public ServerMetadata server() {
        return service.server();
    }

    @GET
    @Path("health/live")
    public Health.Live live() {
        return new Health.Live(true);
    }

    @GET
    @Path("health/ready")
    public Response ready() {
        boolean ready = service.ready();
        return Response.status(ready ? 200 : 503).entity(new Health.Ready(ready)).build();
    }

    @GET
    @Path("models/{model}")
    public ModelMetadata model(@RestPath String model) {
        return service.metadata(model, null);
    }

    @GET
    @Path("models/{model}/versions/{version}")
    public ModelMetadata model(@RestPath String model, @RestPath String version) {
        return service.metadata(model, version);
    }

    @GET
    @Path("models/{model}/ready")
    public Health.ModelReady modelReady(@RestPath String model) {
        return service.modelReady(model, null);
    }

    @GET
    @Path("models/{model}/versions/{version}/ready")
    public Health.ModelReady modelReady(@RestPath String model, @RestPath String version) {
        return service.modelReady(model, version);
    }

    @POST
    @Path("models/{model}/infer")
    @Consumes(MediaType.WILDCARD)
    public Response infer(@RestPath String model, @RestHeader(InferenceBody.HEADER) String headerLength, byte[] body) {
        return answer(service.infer(model, null, headerLength, body));
    }

    @POST
    @Path("models/{model}/versions/{version}/infer")
    @Consumes(MediaType.WILDCARD)
    public Response infer(@RestPath String model, @RestPath String version,
            @RestHeader(InferenceBody.HEADER) String headerLength, byte[] body) {
        return answer(service.infer(model, version, headerLength, body));
    }

    /** Binary outputs make the body octet-stream, with the JSON header's length in the header. */
    private static Response answer(InferenceAnswer answer) {
        if (!answer.binary()) {
            return Response.ok(answer.body(), MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.ok(answer.body(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(InferenceBody.HEADER, answer.jsonLength()).build();
    }
}
