package dev.resnetservice.jobs;

public class QueueFullException extends RuntimeException {

    public QueueFullException(int maxQueued) {
        super(maxQueued + " jobs are already waiting (resnet.jobs.max-queued); try again when one has started");
    }
}
