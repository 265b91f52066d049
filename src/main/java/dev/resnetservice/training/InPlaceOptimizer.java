package dev.resnetservice.training;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;

/**
 * An optimiser that changes each parameter in place at its step's learning rate. Grad mode is off
 * during the change (in-place changes to a leaf that requires grad fail), and the parameter's
 * gradient is cleared afterwards, as DJL's PyTorch optimisers do: DJL's gradient collector never
 * clears gradients, so without it they pile up from step to step.
 */
abstract class InPlaceOptimizer extends Optimizer {

    private final ParameterTracker learningRate;

    protected InPlaceOptimizer(Builder<?> builder) {
        super(builder);
        this.learningRate = builder.learningRate;
    }

    @Override
    public final void update(String parameterId, NDArray weight, NDArray grad) {
        int step = updateCount(parameterId);
        float lr = learningRate.getNewValue(parameterId, step);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            step(parameterId, weight, grad, lr, step);
            JniUtils.zeroGrad((PtNDArray) weight);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Changes {@code weight} in place; {@code grad} is cleared afterwards, so it may serve as scratch.
     *
     * @param step this parameter's update count, from 1 (after {@code optBeginNumUpdate})
     */
    protected abstract void step(String parameterId, NDArray weight, NDArray grad, float lr, int step);

    abstract static class Builder<T extends Builder<T>> extends OptimizerBuilder<T> {

        private ParameterTracker learningRate;

        public T learningRate(ParameterTracker learningRate) {
            this.learningRate = learningRate;
            return self();
        }

        /** For {@code build()}: the learning rate has no default. */
        protected void requireLearningRate() {
            if (learningRate == null) {
                throw new IllegalArgumentException("learningRate must be set");
            }
        }
    }
}
