package dev.resnetservice.web;

/**
 * A failure the caller can act on, answered as problem+json with its status. Features extend
 * it with named exceptions ({@code JobNotFoundException}, ...), so the mapper knows none of them.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    public ProblemException(int status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    /** 413 for an uploaded {@code part} of {@code bytes}, over the {@code limit} that {@code setting} sets. */
    public static ProblemException tooLarge(String part, long bytes, long limit, String setting) {
        return new ProblemException(413, "Request too large",
                part + ": " + bytes + " bytes, more than " + limit + " (" + setting + ")", part);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** Seconds after which trying again makes sense, for a Retry-After header; 0 for none. */
    public int retryAfterSeconds() {
        return 0;
    }
}
