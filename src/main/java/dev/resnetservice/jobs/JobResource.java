package dev.resnetservice.jobs;

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

@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobService jobs;

    public JobResource(JobService jobs) {
        this.jobs = jobs;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(JobSpec spec) {
        Job job = jobs.submit(spec == null ? new JobSpec(null, null, null, null, null, null, null, null, null) : spec);
        return Response.accepted(job).location(URI.create("/jobs/" + job.id())).build();
    }

    @GET
    public List<Job> list() {
        return jobs.list();
    }

    @GET
    @Path("/{id}")
    public Job get(@PathParam("id") String id) {
        return jobs.get(id);
    }

    @DELETE
    @Path("/{id}")
    public Job cancel(@PathParam("id") String id) {
        return jobs.cancel(id);
    }
}
