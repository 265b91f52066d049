package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import dev.resnetservice.web.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/** Connects SSE clients to job event logs. */
@ApplicationScoped
public class JobStreams {

    private final JobService jobs;
    private final JobEvents events;
    private final ObjectMapper mapper;
    private final int maxUnsent;

    public JobStreams(JobService jobs, JobEvents events, ObjectMapper mapper, ResnetConfig config) {
        this.jobs = jobs;
        this.events = events;
        this.mapper = mapper;
        this.maxUnsent = config.jobs().maxUnsentEvents();
    }

    /** @param after the last event the client has, as sent (null for a new client) */
    public void open(String jobId, String after, SseEventSink sink, Sse sse) {
        jobs.get(jobId);
        events.subscribe(jobId, parseAfter(after), new SseSubscriber(sink, sse, mapper, maxUnsent));
    }

    private static long parseAfter(String after) {
        if (after == null || after.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(after.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Last-Event-ID", "must be an event id (a whole number), got '" + after + "'");
        }
    }
}
