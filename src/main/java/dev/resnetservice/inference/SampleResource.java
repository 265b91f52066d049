package dev.resnetservice.inference;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/jobs/{id}/samples")
@Produces(MediaType.APPLICATION_JSON)
public class SampleResource {

    private final SampleService samples;

    public SampleResource(SampleService samples) {
        this.samples = samples;
    }

    @GET
    public Samples samples(@PathParam("id") String id, @QueryParam("n") Integer n) {
        return samples.samples(id, n);
    }
}
