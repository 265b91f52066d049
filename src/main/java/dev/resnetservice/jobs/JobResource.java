package dev.resnetservice.jobs;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.net.URI;
import java.util.List;

@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobService jobs;
    private final JobStreams streams;

    public JobResource(JobService jobs, JobStreams streams) {
        this.jobs = jobs;
        this.streams = streams;
    }

    @POST
    @APIResponse(responseCode = "202", description = "queued; Location: /jobs/<id>",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(JobSpec spec) {
        Job job = jobs.submit(spec == null ? JobSpec.defaults() : spec);
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

    /**
     * 200 with the cancelled job, or 202 while a running one finishes its batch; with
     * {@code ?purge=true} a job that is not queued or running is removed with its files (204).
     */
    @DELETE
    @Path("/{id}")
    @APIResponse(responseCode = "200", description = "cancelled (202: asked to stop, it stops within a batch)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    @APIResponse(responseCode = "204", description = "purged (?purge=true): the job and its files are gone")
    public Response cancel(@PathParam("id") String id, @QueryParam("purge") boolean purge) {
        if (purge) {
            jobs.purge(id);
            return Response.noContent().build();
        }
        Job job = jobs.cancel(id);
        return Response.status(job.state() == JobState.CANCELLED ? 200 : 202).entity(job).build();
    }

    @POST
    @Path("/{id}/resume")
    @APIResponse(responseCode = "202", description = "queued again, to continue from its newest valid checkpoint",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Job.class)))
    public Response resume(@PathParam("id") String id) {
        return Response.accepted(jobs.resume(id)).location(URI.create("/jobs/" + id)).build();
    }

    /** History first, then live events; {@code Last-Event-ID} (or {@code ?after=}) resumes after that event. */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @APIResponse(responseCode = "200", description = "Server-Sent Events: id (the event's number in the job's log,"
            + " from 1; send Last-Event-ID to continue after it), event (state, progress, epoch, checkpoint, done) and"
            + " data (one JSON object); a comment line keeps idle streams open; the stream ends after done",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    public void events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("after") String after, @Context SseEventSink sink, @Context Sse sse) {
        streams.open(id, lastEventId != null ? lastEventId : after, sink, sse);
    }
}
