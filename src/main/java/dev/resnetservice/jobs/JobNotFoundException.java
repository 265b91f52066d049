package dev.resnetservice.jobs;

import dev.resnetservice.web.ProblemException;

public class JobNotFoundException extends ProblemException {

    public JobNotFoundException(String id) {
        super(404, "Job not found", "no job with id '" + id + "'", null);
    }
}
