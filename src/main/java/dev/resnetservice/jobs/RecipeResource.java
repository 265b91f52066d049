package dev.resnetservice.jobs;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import java.util.TreeMap;

/** The job specs a POST /jobs body starts from, by name, fully resolved: the web page's form fills itself from these. */
@Path("/recipes")
@Produces(MediaType.APPLICATION_JSON)
public class RecipeResource {

    @GET
    public Map<String, JobSpec> list() {
        Map<String, JobSpec> presets = new TreeMap<>();
        JobSpec.RECIPES.keySet().forEach(name -> presets.put(name, JobSpec.preset(name)));
        return presets;
    }
}
