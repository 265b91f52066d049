package dev.resnetservice.inference;

import java.util.List;

/** The answer of POST /predict: which model answered, and one prediction per image, in order. */
public record PredictResponse(String model, List<Prediction> predictions) {
}
