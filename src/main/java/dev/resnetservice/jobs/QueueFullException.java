package dev.resnetservice.jobs;

import dev.resnetservice.web.ProblemException;

public class QueueFullException extends ProblemException {

    public QueueFullException(int maxQueued) {
        super(503, "Job queue full", maxQueued + " jobs are already waiting (resnet.jobs.max-queued);"
                + " try again when one has started", null);
    }

    @Override
    public int retryAfterSeconds() {
        return 60;
    }
}
