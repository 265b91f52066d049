package dev.resnetservice.jobs;

import java.util.Optional;

/** Another feature's claim on a job's files, asked before they are purged (the served model's, say). */
public interface JobFilesInUse {

    /** Why the job's files must stay, or empty when they may go. */
    Optional<String> reasonToKeep(String jobId);
}
