package dev.resnetservice.inference.oip;

import java.util.List;

/**
 * GET /v2/models/{model}: the versions are the epochs with a checkpoint. Inputs are alternatives,
 * one per request; {@code parameters} carries what a client needs to send {@code input} (the
 * statistics to normalise with) and to read the outputs (the class names, in index order).
 */
public record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
        List<TensorMetadata> outputs, ModelParameters parameters) {

    public record ModelParameters(List<Double> mean, List<Double> std, List<String> classes) {
    }
}
