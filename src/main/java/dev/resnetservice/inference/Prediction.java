package dev.resnetservice.inference;

import java.util.List;

/** One image's answer: its best class and the top k, with {@code resized} when it was not 32x32. */
public record Prediction(String file, String label, int index, double probability, boolean resized,
        List<ClassScore> top) {

    public record ClassScore(String label, int index, double probability) {
    }
}
