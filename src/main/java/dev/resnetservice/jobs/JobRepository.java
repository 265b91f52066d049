package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.workers.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What must be consistent wherever the service runs: jobs, their events and the default-model
 * choice. Embedded mode keeps them in files under resnet.home ({@link FileJobRepository}); cluster
 * mode in PostgreSQL ({@link PostgresJobRepository}). Checkpoints and data sets are files on the
 * home folder in both modes.
 */
public interface JobRepository {

    /** Stores the job, new or changed, whole. */
    void save(Job job);

    Optional<Job> find(String id);

    /** Every job, oldest first. */
    List<Job> list();

    /** Forgets the job and its events. */
    void delete(String id);

    /** Appends an event; its id is the job's next, from 1, never repeated. */
    JobEvent append(String jobId, String name, JsonNode data);

    /**
     * Calls {@code appended} with a job's id whenever any process appends an event to it (at least
     * once; the caller pulls what is new). The file store calls it on its own appends, PostgreSQL on
     * every replica's through LISTEN/NOTIFY.
     */
    void listen(Consumer<String> appended);

    /** The job's first event after {@code afterId}, as streamed, or null when there is none yet. */
    StreamEvent next(String jobId, long afterId);

    /** Every event of the job, in order. */
    List<JobEvent> events(String jobId);

    /** The model chosen with PUT /models/default, if any. */
    Optional<String> defaultModel();

    void setDefaultModel(String name);

    // ---- the queue: workers claim jobs and hold them by a lease -------------------------------

    /** A job taken from the queue by a worker; {@code attempt} counts from 1 and survives failovers. */
    record Claim(Job job, int attempt) {
    }

    /** A running job whose worker stopped renewing its lease, put back in the queue. */
    record Lapsed(Job job, String worker, int attempts) {
    }

    /** The oldest queued job, now this worker's until its lease lapses; no job is ever claimed twice. */
    Optional<Claim> claim(String workerId, Duration lease);

    /** Extends the lease; false when the job is no longer this worker's (taken over, or ended). */
    boolean renew(String jobId, String workerId, Duration lease);

    /**
     * Gives a claimed job back without counting the attempt (its worker is shutting down): the
     * caller then saves it queued.
     */
    void release(String jobId, String workerId);

    /** Puts back in the queue every running job whose lease lapsed, and returns them. */
    List<Lapsed> requeueLapsed();

    /** Jobs waiting for a worker, in the whole cluster. */
    int countQueued();

    /** Takes a job out of the queue if no worker has claimed it yet; true when it was. */
    boolean cancelIfQueued(String id);

    /** Asks the worker running (or about to run) the job to stop: cancelled or interrupted. */
    void requestStop(String id, JobState state);

    Optional<JobState> stopRequest(String id);

    // ---- workers --------------------------------------------------------------------------------

    /** Records a worker's heartbeat (and what it runs). */
    void saveWorker(Worker worker);

    /** Every worker that has reported, as last reported. */
    List<Worker> workers();
}
