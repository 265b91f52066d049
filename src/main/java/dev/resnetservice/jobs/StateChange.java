package dev.resnetservice.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** The data of a {@code state} event; the optional fields say why, when there is something to say. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StateChange(
        JobState state,
        String device,
        Instant at,
        String message,
        Integer resumedFromEpoch,
        List<String> skippedCheckpoints) {

    public static StateChange of(Job job) {
        return new StateChange(job.state(), job.device(), Instant.now(), job.error(), null, null);
    }
}
