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
 * {@code torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=...)} gives for
 * w = [1, -2] and gradients [0.5, 0.1], [-0.3, 0.4], [0.2, -0.2] (docs/recipes.md has the
 * script).
 */
class MomentumSgdTest {

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    private float[][] steps(Optimizer optimizer) {
        return ReferenceSteps.run(optimizer, manager);
    }

    @Test
    void nesterovEqualsPyTorchsSgd() {
        float[][] after = steps(MomentumSgd.builder().learningRate(Tracker.fixed(0.1f)).momentum(0.9f)
                .nesterov(true).optWeightDecays(0.01f).build());
        assertArrayEquals(new float[] {0.9031f, -2.0152f}, after[0], 1e-6f);
        assertArrayEquals(new float[] {0.91707414f, -2.093851f}, after[1], 1e-6f);
        assertArrayEquals(new float[] {0.8637212f, -2.0884724f}, after[2], 1e-6f);
    }

    @Test
    void heavyBallMomentumEqualsPyTorchsSgd() {
        float[][] after = steps(MomentumSgd.builder().learningRate(Tracker.fixed(0.1f)).momentum(0.9f)
                .optWeightDecays(0.01f).build());
        assertArrayEquals(new float[] {0.949f, -2.008f}, after[0], 1e-6f);
        assertArrayEquals(new float[] {0.932151f, -2.0531919f}, after[1], 1e-6f);
        assertArrayEquals(new float[] {0.89605474f, -2.0718114f}, after[2], 1e-6f);
    }

    @Test
    void clearsTheParametersGradientAfterTheStepAsDjlsPyTorchOptimizersDo() {
        NDArray weight = ReferenceSteps.weightWithGradient(manager);
        assertArrayEquals(new float[] {2f, -4f}, weight.getGradient().toFloatArray());
        MomentumSgd.builder().learningRate(Tracker.fixed(0.1f)).momentum(0.9f).build()
                .update("w", weight, weight.getGradient().duplicate());
        assertArrayEquals(new float[] {0.8f, -1.6f}, weight.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0f}, weight.getGradient().toFloatArray());
    }

    @Test
    void aResumedRunContinuesTheScheduleWhereItStopped() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.ONECYCLE, 0.4, 10, 50);
        NDArray weight = manager.create(new float[] {1f, -2f});
        MomentumSgd.builder().learningRate(schedule).optBeginNumUpdate(20).build()
                .update("w", weight, manager.create(new float[] {0.5f, 0.1f}));
        // Step 20 of a run resumed after 20 steps: lr = 0.4 * (1 - 10 / 40) = 0.3.
        assertArrayEquals(new float[] {1f - 0.3f * 0.5f, -2f - 0.3f * 0.1f}, weight.toFloatArray(), 1e-6f);
    }
}
