package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Jobs' events: appended to the repository, announced inside the service (metrics), and followed
 * by the SSE clients of this process, whom a heartbeat keeps open while idle.
 */
@ApplicationScoped
public class JobEvents {

    private final JobRepository repository;
    private final Event<JobEvent> announcements;
    private final ObjectMapper mapper;
    private final long heartbeatMillis;
    private final EventSubscribers subscribers = new EventSubscribers();
    private ScheduledExecutorService heartbeats;

    public JobEvents(JobRepository repository, ObjectMapper mapper, ResnetConfig config, Event<JobEvent> announcements) {
        this.repository = repository;
        this.announcements = announcements;
        this.mapper = mapper;
        this.heartbeatMillis = config.jobs().heartbeatInterval().toMillis();
    }

    void onStart(@Observes StartupEvent event) {
        repository.listen(subscribers::wake); // events appended by other processes (cluster mode)
        heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sse-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeats.scheduleAtFixedRate(subscribers::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        heartbeats.shutdownNow();
    }

    public JobEvent append(String jobId, String name, Object data) {
        JobEvent event = repository.append(jobId, name, mapper.valueToTree(data));
        // For observers inside the service (metrics); they run on the appending thread, so keep them quick.
        announcements.fire(event);
        return event;
    }

    void subscribe(String jobId, EventSubscriber subscriber) {
        subscribers.add(jobId, subscriber);
    }

    void unsubscribe(String jobId, EventSubscriber subscriber) {
        subscribers.remove(jobId, subscriber);
    }

    /** The job's first event after {@code afterId}, as a stream sends it, or null when there is none yet. */
    StreamEvent next(String jobId, long afterId) {
        return repository.next(jobId, afterId);
    }

    public List<JobEvent> events(String jobId) {
        return repository.events(jobId);
    }
}
