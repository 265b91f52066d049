package dev.resnetservice.inference.oip;

import java.util.List;

/** A tensor a model takes or gives: -1 in its shape stands for the batch. */
public record TensorMetadata(String name, String datatype, List<Long> shape) {
}
