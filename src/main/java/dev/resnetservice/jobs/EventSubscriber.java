package dev.resnetservice.jobs;

/** A client of a job's event stream. Calls never block: a subscriber that cannot keep up says so. */
public interface EventSubscriber {

    /** @return false when this subscriber is closed or fell too far behind; it is then dropped */
    boolean offer(JobEvent event);

    /** Keeps an idle connection open through proxies. */
    void heartbeat();

    /** Ends the stream, after whatever was offered has been sent. */
    void close();
}
