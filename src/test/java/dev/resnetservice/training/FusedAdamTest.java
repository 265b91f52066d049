package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three steps on a two-element parameter against the numbers PyTorch 1.13's
 * {@code torch.optim.Adam([w], lr=0.1, weight_decay=0.01)} (and AdamW) gives for w = [1, -2] and
 * gradients [0.5, 0.1], [-0.3, 0.4], [0.2, -0.2] (docs/recipes.md has the script).
 */
class FusedAdamTest {

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    private static FusedAdam.Builder adam() {
        return FusedAdam.builder().learningRate(Tracker.fixed(0.1f)).optWeightDecays(0.01f);
    }

    private float[][] steps(Optimizer optimizer) {
        return ReferenceSteps.run(optimizer, manager);
    }

    @Test
    void equalsPyTorchsAdamWithL2WeightDecay() {
        float[][] after = steps(adam().build().orElseThrow());
        assertArrayEquals(new float[] {0.90000004f, -2.0999999f}, after[0], 1e-6f);
        assertArrayEquals(new float[] {0.87870127f, -2.1866429f}, after[1], 1e-6f);
        assertArrayEquals(new float[] {0.84177166f, -2.2129896f}, after[2], 1e-6f);
    }

    @Test
    void equalsPyTorchsAdamW() {
        float[][] after = steps(adam().decoupledWeightDecay(true).build().orElseThrow());
        assertArrayEquals(new float[] {0.89900005f, -2.098f}, after[0], 1e-6f);
        assertArrayEquals(new float[] {0.87895125f, -2.1843395f}, after[1], 1e-6f);
        assertArrayEquals(new float[] {0.84332955f, -2.215765f}, after[2], 1e-6f);
    }

    @Test
    void clearsTheParametersGradientAfterTheStep() {
        NDArray weight = ReferenceSteps.weightWithGradient(manager);
        adam().build().orElseThrow().update("w", weight, weight.getGradient());
        assertArrayEquals(new float[] {0f, 0f}, weight.getGradient().toFloatArray());
    }

    @Test
    void aResumedRunTakesTheBiasCorrectionAndRateOfItsStep() {
        NDArray weight = manager.create(new float[] {1f, -2f});
        FusedAdam.builder().learningRate(new LearningRateSchedule(LearningRateSchedule.ONECYCLE, 0.4, 10, 50))
                .optBeginNumUpdate(20).build().orElseThrow()
                .update("w", weight, manager.create(new float[] {0.5f, 0.1f}));
        // The 21st step: the schedule's step 20 (from 0), lr = 0.4 * (1 - 10 / 40) = 0.3, and bias
        // correction for t = 21. Fresh moments: m = 0.1 g, v = 0.001 g^2, so the update is
        // lr * (0.1 g / (1 - 0.9^t)) / (sqrt(0.001) |g| / sqrt(1 - 0.999^t) + eps).
        double t = 21;
        double step = 0.3 * (0.1 / (1 - Math.pow(0.9, t))) / (Math.sqrt(0.001) / Math.sqrt(1 - Math.pow(0.999, t)));
        assertArrayEquals(new float[] {(float) (1 - step), (float) (-2 - step)}, weight.toFloatArray(), 1e-5f);
    }
}
