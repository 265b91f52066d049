package dev.resnetservice.jobs;

/**
 * A client of a job's event stream. It pulls events from the log at its own pace, so nothing
 * piles up for a slow client; the log only wakes it. Calls never block and never throw.
 */
interface EventSubscriber {

    /** New events may be there. */
    void wake();

    /** Keeps an idle connection open through proxies; closes a connection stalled too long. */
    void heartbeat();
}
