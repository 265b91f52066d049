package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/** One line of a job's events.jsonl: its sequence number (from 1), name and data. */
public record JobEvent(long id, String event, JsonNode data) {

    public static final String STATE = "state";
    public static final String PROGRESS = "progress";
    public static final String EPOCH = "epoch";
    public static final String CHECKPOINT = "checkpoint";
    public static final String DONE = "done";

    /** Events a crash must not lose; progress is superseded a second later and skips the fsync. */
    public boolean durable() {
        return !PROGRESS.equals(event);
    }
}
