package dev.resnetservice.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED;

    /** Terminal states end a job's event stream; interrupted is not one: it can be resumed. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
