package dev.resnetservice.inference;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** A servable model as GET /models lists it: one checkpoint, named {@code <job-id>@<epoch>} ({@code <name>@0} and job null when imported). */
public record ModelInfo(
        String name,
        String job,
        int epoch,
        String architecture,
        long parameterCount,
        List<String> classes,
        Double testAccuracy,
        Instant createdAt,
        boolean latest,      // the job's newest checkpoint, which the plain name {@code <job-id>} means
        @JsonProperty("default") boolean isDefault) { // what /predict serves when no model is named
}
