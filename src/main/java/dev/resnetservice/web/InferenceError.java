package dev.resnetservice.web;

/**
 * The Open Inference Protocol's error body, {@code {"error": "..."}}: its clients read that, not
 * problem+json, so every answer under {@link #PATH} carries it.
 */
public record InferenceError(String error) {

    public static final String PATH = "/v2";

    /** Whether a request path belongs to the Open Inference Protocol. */
    public static boolean speaksInferenceProtocol(String path) {
        return path != null && (path.equals(PATH) || path.startsWith(PATH + "/"));
    }
}
