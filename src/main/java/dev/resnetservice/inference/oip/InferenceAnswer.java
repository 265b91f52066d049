package dev.resnetservice.inference.oip;

/**
 * An inference answer's body: JSON, or, when {@code jsonLength} is set, a JSON header of that
 * many bytes followed by binary outputs. {@code images} counts the images answered, for metrics.
 */
public record InferenceAnswer(byte[] body, Integer jsonLength, int images) {

    public boolean binary() {
        return jsonLength != null;
    }
}
