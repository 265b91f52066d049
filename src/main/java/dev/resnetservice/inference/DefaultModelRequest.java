package dev.resnetservice.inference;

/** The body of PUT /models/default. */
public record DefaultModelRequest(String model) {
}
