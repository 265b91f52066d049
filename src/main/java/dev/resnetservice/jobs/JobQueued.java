package dev.resnetservice.jobs;

/** A job entered the queue (submitted, resumed, or taken back from a lost worker): a worker may take it. */
public record JobQueued(String id) {
}
