package dev.resnetservice.jobs;

/** A checkpoint as a job lists it; {@code path} is relative to the home folder. */
public record CheckpointRef(int epoch, String path, String sha256) {
}
