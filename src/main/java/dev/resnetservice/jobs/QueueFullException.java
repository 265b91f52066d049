package dev.resnetservice.jobs;

import dev.resnetservice.web.BusyException;

public class QueueFullException extends BusyException {

    public QueueFullException(int maxQueued) {
        super("Job queue full", maxQueued + " jobs are already waiting (resnet.jobs.max-queued);"
                + " try again when one has started", 60);
    }
}
