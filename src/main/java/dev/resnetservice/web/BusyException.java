package dev.resnetservice.web;

/** 503 with Retry-After: a limit of the service is reached for now, and the same request will work later. */
public class BusyException extends ProblemException {

    private final int retryAfterSeconds;

    public BusyException(String title, String detail, int retryAfterSeconds) {
        super(503, title, detail, null);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
