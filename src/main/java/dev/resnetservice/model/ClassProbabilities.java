package dev.resnetservice.model;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * Log class probabilities of a batch: log softmax of the logits, or with flip test-time
 * augmentation the log of the mean of the image's and its mirror's softmax. Training's
 * evaluation and serving both use it, so a model is served as it was measured.
 */
public final class ClassProbabilities {

    private ClassProbabilities() {
    }

    /** @param logits the network's forward; @param images NCHW */
    public static NDArray log(UnaryOperator<NDArray> logits, NDArray images, boolean testTimeAugmentation) {
        return log(logits.apply(images), testTimeAugmentation ? logits.apply(images.flip(3)) : null);
    }

    /** The same from logits already computed: the images', and their mirrors' (null without augmentation). */
    public static NDArray log(NDArray logits, NDArray mirroredLogits) {
        NDArray plain = logits.logSoftmax(1);
        if (mirroredLogits == null) {
            return plain;
        }
        NDArray mirrored = mirroredLogits.logSoftmax(1);
        // log((e^a + e^b) / 2) = m + log((e^(a-m) + e^(b-m)) / 2), m = max(a, b): no underflow to log 0.
        NDArray max = plain.maximum(mirrored);
        return plain.sub(max).exp().add(mirrored.sub(max).exp()).div(2).log().add(max);
    }
}
