package dev.resnetservice.jobs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The clients following each job's events in this process. They pull from the repository; this
 * only wakes them, and a client's trouble stays its own: nothing it does may fail the append that
 * woke it.
 */
final class EventSubscribers {

    private static final Logger LOG = Logger.getLogger(EventSubscribers.class);

    private final Map<String, Set<EventSubscriber>> byJob = new ConcurrentHashMap<>();

    void add(String jobId, EventSubscriber subscriber) {
        byJob.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(subscriber);
        call(jobId, subscriber, EventSubscriber::wake);
    }

    void remove(String jobId, EventSubscriber subscriber) {
        byJob.computeIfPresent(jobId, (id, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    void wake(String jobId) {
        byJob.getOrDefault(jobId, Set.of()).forEach(subscriber -> call(jobId, subscriber, EventSubscriber::wake));
    }

    void heartbeat() {
        byJob.forEach((jobId, set) -> set.forEach(subscriber -> call(jobId, subscriber, EventSubscriber::heartbeat)));
    }

    private void call(String jobId, EventSubscriber subscriber, Consumer<EventSubscriber> action) {
        try {
            action.accept(subscriber);
        } catch (RuntimeException e) {
            LOG.warnf(e, "job %s: an event stream failed; it is dropped", jobId);
            remove(jobId, subscriber);
        }
    }
}
