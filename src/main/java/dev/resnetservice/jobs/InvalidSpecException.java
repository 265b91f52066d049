package dev.resnetservice.jobs;

import dev.resnetservice.web.InvalidRequestException;

/** A job spec field with a value the service cannot train with. */
public class InvalidSpecException extends InvalidRequestException {

    public InvalidSpecException(String field, String message) {
        super("Invalid job spec", field, message);
    }
}
