package dev.resnetservice.jobs;

import dev.resnetservice.web.ProblemException;
import java.util.Locale;

/** 507: the disk under the home folder has less free space than resnet.min-free-disk. */
public class InsufficientStorageException extends ProblemException {

    public InsufficientStorageException(String what, long usableBytes, long minimumBytes) {
        super(507, "Insufficient storage", String.format(Locale.ROOT,
                "%s is not written: %.1f GB free on the home folder's disk, less than resnet.min-free-disk (%.1f GB);"
                        + " free some space (DELETE /jobs/<id>?purge=true, checkpoints.keep) and try again",
                what, usableBytes / 1e9, minimumBytes / 1e9), null);
    }
}
