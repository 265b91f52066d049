package dev.resnetservice.web;

/** A request field with a value the service cannot use: 400, naming the field. */
public class InvalidRequestException extends ProblemException {

    public InvalidRequestException(String field, String message) {
        this("Invalid request", field, message);
    }

    protected InvalidRequestException(String title, String field, String message) {
        super(400, title, field + ": " + message, field);
    }
}
