package dev.resnetservice.datasets;

import dev.resnetservice.web.ProblemException;

/** A request the data set's state does not allow: a name taken, a data set in use or not ready. */
public class DatasetConflictException extends ProblemException {

    public DatasetConflictException(String message) {
        super(409, "Data set conflict", message, null);
    }
}
