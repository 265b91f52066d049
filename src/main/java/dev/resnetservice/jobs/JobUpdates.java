package dev.resnetservice.jobs;

/** How a running job reports: new job states (saved, then announced) and events of its own. */
public interface JobUpdates {

    Job save(Job job);

    /** Saves the job; a state change is announced with {@code change} as the event's data. */
    Job save(Job job, StateChange change);

    void event(String jobId, String name, Object data);
}
