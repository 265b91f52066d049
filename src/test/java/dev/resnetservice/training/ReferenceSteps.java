package dev.resnetservice.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;

/**
 * The case the optimiser tests share with PyTorch: w = [1, -2] and the gradients [0.5, 0.1],
 * [-0.3, 0.4], [0.2, -0.2], whose results under torch.optim docs/recipes.md prints.
 */
final class ReferenceSteps {

    private static final float[][] GRADIENTS = {{0.5f, 0.1f}, {-0.3f, 0.4f}, {0.2f, -0.2f}};

    private ReferenceSteps() {
    }

    /** w after each of the three steps. */
    static float[][] run(Optimizer optimizer, NDManager manager) {
        NDArray weight = manager.create(new float[] {1f, -2f});
        float[][] after = new float[GRADIENTS.length][];
        for (int i = 0; i < GRADIENTS.length; i++) {
            optimizer.update("w", weight, manager.create(GRADIENTS[i]));
            after[i] = weight.toFloatArray();
        }
        return after;
    }

    /** w = [1, -2] after a real backward of sum(w^2): its gradient is [2, -4]. */
    static NDArray weightWithGradient(NDManager manager) {
        NDArray weight = manager.create(new float[] {1f, -2f});
        weight.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(weight.mul(weight).sum());
        }
        return weight;
    }
}
