package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The event logs of all jobs, opened on first use, and the heartbeat that keeps idle streams open. */
@ApplicationScoped
public class JobEvents {

    private final JobStore store;
    private final Event<JobEvent> announcements;
    private final ObjectMapper mapper;
    private final long heartbeatMillis;
    private final Map<String, JobEventLog> logs = new ConcurrentHashMap<>();
    private ScheduledExecutorService heartbeats;

    public JobEvents(JobStore store, ObjectMapper mapper, ResnetConfig config, Event<JobEvent> announcements) {
        this.store = store;
        this.announcements = announcements;
        this.mapper = mapper;
        this.heartbeatMillis = config.jobs().heartbeatInterval().toMillis();
    }

    void onStart(@Observes StartupEvent event) {
        heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sse-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeats.scheduleAtFixedRate(() -> logs.values().forEach(JobEventLog::heartbeat),
                heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        heartbeats.shutdownNow();
    }

    public JobEvent append(String jobId, String name, Object data) {
        JobEvent event = log(jobId).append(name, data);
        // For observers inside the service (metrics); they run on the appending thread, so keep them quick.
        announcements.fire(event);
        return event;
    }

    void subscribe(String jobId, EventSubscriber subscriber) {
        log(jobId).subscribe(subscriber);
    }

    void unsubscribe(String jobId, EventSubscriber subscriber) {
        log(jobId).unsubscribe(subscriber);
    }

    /** The job's first event after {@code afterId}, as a stream sends it, or null when there is none yet. */
    StreamEvent next(String jobId, long afterId) {
        return log(jobId).next(afterId);
    }

    /** Drops a purged job's log from memory. */
    void forget(String jobId) {
        logs.remove(jobId);
    }

    public List<JobEvent> events(String jobId) {
        return log(jobId).events();
    }

    private JobEventLog log(String jobId) {
        return logs.computeIfAbsent(jobId,
                id -> new JobEventLog(store.jobDir(id).resolve("events.jsonl"), mapper));
    }
}
