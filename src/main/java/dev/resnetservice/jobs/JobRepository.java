package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

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

    /** The job's first event after {@code afterId}, as streamed, or null when there is none yet. */
    StreamEvent next(String jobId, long afterId);

    /** Every event of the job, in order. */
    List<JobEvent> events(String jobId);

    /** The model chosen with PUT /models/default, if any. */
    Optional<String> defaultModel();

    void setDefaultModel(String name);
}
