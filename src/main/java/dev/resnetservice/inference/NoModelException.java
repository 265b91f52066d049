package dev.resnetservice.inference;

import dev.resnetservice.web.ProblemException;

/** Nothing to serve yet: no job has succeeded and no default was chosen. */
public class NoModelException extends ProblemException {

    public NoModelException() {
        super(503, "No model yet", "no model to serve yet: train one (POST /jobs) and wait for it to succeed,"
                + " or choose a checkpoint with PUT /models/default", null);
    }

    @Override
    public int retryAfterSeconds() {
        return 60;
    }
}
