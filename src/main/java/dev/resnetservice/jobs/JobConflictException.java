package dev.resnetservice.jobs;

import dev.resnetservice.web.ProblemException;

/** A request that the job's current state does not allow, such as resuming a running job. */
public class JobConflictException extends ProblemException {

    public JobConflictException(String message) {
        super(409, "Job state conflict", message, null);
    }
}
