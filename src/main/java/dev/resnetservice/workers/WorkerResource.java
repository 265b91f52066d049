package dev.resnetservice.workers;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

@Path("/workers")
@Produces(MediaType.APPLICATION_JSON)
public class WorkerResource {

    private final Workers workers;

    public WorkerResource(Workers workers) {
        this.workers = workers;
    }

    @GET
    public List<Worker> list() {
        return workers.list();
    }
}
