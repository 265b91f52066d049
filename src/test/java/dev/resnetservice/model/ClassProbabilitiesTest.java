package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassProbabilitiesTest {

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    /** A "network" whose four logits are the first four pixels of row 0, red: it sees left from right. */
    private static final UnaryOperator<NDArray> LEFT_EDGE = x -> x.get(new NDIndex(":, 0, 0, 0:4"));

    private NDArray image() {
        float[] pixels = new float[3 * 32 * 32];
        for (int x = 0; x < 32; x++) {
            pixels[x] = x / 8f; // a ramp along row 0: the image and its mirror differ
        }
        return manager.create(pixels, new Shape(1, 3, 32, 32));
    }

    private static double[] softmax(double... logits) {
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l);
        }
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i]) / sum;
        }
        return p;
    }

    @Test
    void testTimeAugmentationAveragesTheMirrorsProbabilities() {
        double[] plain = softmax(0, 1 / 8.0, 2 / 8.0, 3 / 8.0);
        double[] mirrored = softmax(31 / 8.0, 30 / 8.0, 29 / 8.0, 28 / 8.0);
        float[] expected = new float[4];
        for (int k = 0; k < 4; k++) {
            expected[k] = (float) ((plain[k] + mirrored[k]) / 2);
        }
        assertArrayEquals(expected, ClassProbabilities.log(LEFT_EDGE, image(), true).exp().toFloatArray(), 1e-6f);
    }

    @Test
    void withoutItTheyAreTheSoftmax() {
        double[] plain = softmax(0, 1 / 8.0, 2 / 8.0, 3 / 8.0);
        float[] expected = {(float) plain[0], (float) plain[1], (float) plain[2], (float) plain[3]};
        assertArrayEquals(expected, ClassProbabilities.log(LEFT_EDGE, image(), false).exp().toFloatArray(), 1e-6f);
    }
}
