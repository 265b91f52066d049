package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LabelSmoothingCrossEntropyTest {

    private static final float[] LOGITS = {2.0f, 0.5f, -1.0f, 0.25f};
    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    private double loss(double smoothing, float[] logits, long[] labels) {
        return new LabelSmoothingCrossEntropy(smoothing).evaluate(new NDList(manager.create(labels)),
                new NDList(manager.create(logits, new Shape(labels.length, logits.length / labels.length))))
                .getFloat();
    }

    /** log softmax of LOGITS, by hand. */
    private static double[] logProbabilities() {
        double sum = 0;
        for (float logit : LOGITS) {
            sum += Math.exp(logit);
        }
        double[] log = new double[LOGITS.length];
        for (int k = 0; k < LOGITS.length; k++) {
            log[k] = LOGITS[k] - Math.log(sum);
        }
        return log;
    }

    @Test
    void smoothedLossOfOneRowEqualsTheClosedForm() {
        double[] log = logProbabilities();
        double mean = (log[0] + log[1] + log[2] + log[3]) / 4;
        // PyTorch's label_smoothing=e: -(1 - e) log p[y] - e * mean_k log p[k].
        assertEquals(-(0.9 * log[1] + 0.1 * mean), loss(0.1, LOGITS, new long[] {1}), 1e-6);
        assertEquals(-(0.7 * log[3] + 0.3 * mean), loss(0.3, LOGITS, new long[] {3}), 1e-6);
        // PyTorch 1.13: F.cross_entropy(tensor([[2.0, 0.5, -1.0, 0.25]]), tensor([1]), label_smoothing=0.1)
        assertEquals(1.875529170036316, loss(0.1, LOGITS, new long[] {1}), 1e-6);
    }

    @Test
    void withoutSmoothingItIsCrossEntropyAveragedOverTheBatch() {
        double[] log = logProbabilities();
        float[] twoRows = new float[8];
        System.arraycopy(LOGITS, 0, twoRows, 0, 4);
        System.arraycopy(LOGITS, 0, twoRows, 4, 4);
        assertEquals(-(log[0] + log[2]) / 2, loss(0, twoRows, new long[] {0, 2}), 1e-6);
    }
}
