package dev.resnetservice.model;

import java.nio.file.Path;

/** A checkpoint's parameter file is missing or differs from what its manifest promises. */
public class CorruptCheckpointException extends RuntimeException {

    private final transient Path file;

    public CorruptCheckpointException(Path file, String reason) {
        super("checkpoint " + file + " is corrupt: " + reason);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
