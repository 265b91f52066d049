package dev.resnetservice.data;

/** A dataset file or folder is missing, malformed or could not be fetched; the message names it and what was expected. */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
