package dev.resnetservice.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.loss.Loss;

/**
 * Cross entropy from logits with PyTorch's {@code label_smoothing = e}: the target is 1 - e on the
 * true class plus e / K on every class, so per image
 * {@code -(1 - e) * log p[y] - e * mean_k log p[k]}, averaged over the batch. e = 0 is plain
 * cross entropy.
 */
public final class LabelSmoothingCrossEntropy extends Loss {

    private final double smoothing;

    public LabelSmoothingCrossEntropy(double smoothing) {
        super("CrossEntropy");
        if (!(smoothing >= 0 && smoothing <= 0.5)) {
            throw new IllegalArgumentException("smoothing must be between 0 and 0.5, got " + smoothing);
        }
        this.smoothing = smoothing;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logProbabilities = predictions.singletonOrThrow().logSoftmax(1);
        NDArray loss = logProbabilities.get(new NDIndex().addAllDim().addPickDim(labels.singletonOrThrow()))
                .reshape(-1);
        if (smoothing > 0) {
            loss = loss.mul(1 - smoothing).add(logProbabilities.mean(new int[] {1}).mul(smoothing));
        }
        return loss.neg().mean();
    }
}
