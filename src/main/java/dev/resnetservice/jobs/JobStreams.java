package dev.resnetservice.jobs;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.web.BusyException;
import dev.resnetservice.web.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Connects SSE clients to job event logs, at most {@code max-streams} at once and
 * {@code max-streams-per-job} on one job: each open stream holds a connection and a thread's
 * attention on every event, so beyond that a client gets 503 and tries again.
 */
@ApplicationScoped
public class JobStreams {

    private final JobService jobs;
    private final JobEvents events;
    private final int maxStreams;
    private final int maxStreamsPerJob;
    private final Duration stallTimeout;
    private final Map<String, Integer> open = new HashMap<>();
    private int total;

    public JobStreams(JobService jobs, JobEvents events, ResnetConfig config) {
        this.jobs = jobs;
        this.events = events;
        this.maxStreams = config.jobs().maxStreams();
        this.maxStreamsPerJob = config.jobs().maxStreamsPerJob();
        this.stallTimeout = config.jobs().streamStallTimeout();
    }

    /** @param after the last event the client has, as sent (null for a new client) */
    public void open(String jobId, String after, SseEventSink sink, Sse sse) {
        jobs.get(jobId);
        long afterId = parseAfter(after);
        reserve(jobId);
        SseSubscriber subscriber = new SseSubscriber(sink, sse, id -> events.next(jobId, id), afterId, stallTimeout,
                closed -> {
                    events.unsubscribe(jobId, closed);
                    release(jobId);
                });
        // The broadcaster is how JAX-RS tells that a client has gone: its close listener runs then.
        SseBroadcaster watcher = sse.newBroadcaster();
        watcher.onClose(closed -> subscriber.close());
        watcher.register(sink);
        events.subscribe(jobId, subscriber);
    }

    /** Streams open now, in all. */
    public synchronized int openStreams() {
        return total;
    }

    private synchronized void reserve(String jobId) {
        int onJob = open.getOrDefault(jobId, 0);
        if (total >= maxStreams || onJob >= maxStreamsPerJob) {
            String limit = total >= maxStreams ? maxStreams + " event streams are open (resnet.jobs.max-streams)"
                    : maxStreamsPerJob + " event streams are open on job " + jobId + " (resnet.jobs.max-streams-per-job)";
            throw new BusyException("Too many event streams", limit + "; try again shortly", 5);
        }
        open.put(jobId, onJob + 1);
        total++;
    }

    private synchronized void release(String jobId) {
        open.computeIfPresent(jobId, (id, count) -> count > 1 ? count - 1 : null);
        total--;
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
