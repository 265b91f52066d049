package dev.resnetservice.model;

import java.nio.file.Path;

/**
 * A checkpoint's parameter file is missing or differs from what its manifest promises. The message
 * reaches clients (job errors, state events), so it names the file from the home folder on
 * ({@code jobs/<id>/checkpoints/epoch-0003.params}), never by its absolute path.
 */
public class CorruptCheckpointException extends RuntimeException {

    private final transient Path file;

    public CorruptCheckpointException(Path file, String reason) {
        super("checkpoint " + fromHome(file) + " is corrupt: " + reason);
        this.file = file;
    }

    /** The part of a path from its "jobs" folder on, or the file name alone. */
    static Path fromHome(Path path) {
        for (int i = path.getNameCount() - 1; i >= 0; i--) {
            if (path.getName(i).toString().equals("jobs")) {
                return path.subpath(i, path.getNameCount());
            }
        }
        return path.getFileName();
    }

    public Path file() {
        return file;
    }
}
