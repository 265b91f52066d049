package dev.resnetservice.inference.oip;

import dev.resnetservice.inference.ImageScores;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The outputs a model gives, FP32 [N, classes] each; the default answer has both. */
enum OutputKind {
    PROBABILITIES("probabilities", ImageScores::probabilities),
    LOGITS("logits", ImageScores::logits);

    final String tensorName;
    final Function<ImageScores, float[]> values;

    OutputKind(String tensorName, Function<ImageScores, float[]> values) {
        this.tensorName = tensorName;
        this.values = values;
    }

    static Optional<OutputKind> named(String name) {
        return Arrays.stream(values()).filter(kind -> kind.tensorName.equals(name)).findFirst();
    }

    static List<String> names() {
        return Arrays.stream(values()).map(kind -> kind.tensorName).toList();
    }

    TensorMetadata metadata(int classes) {
        return new TensorMetadata(tensorName, "FP32", List.of(-1L, (long) classes));
    }
}
