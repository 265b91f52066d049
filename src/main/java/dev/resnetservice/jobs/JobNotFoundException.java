package dev.resnetservice.jobs;

public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String id) {
        super("no job with id '" + id + "'");
    }
}
