package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PyTorch's {@code SGD(lr, momentum, weight_decay, nesterov)}, in place: DJL's Nag throws "Not
 * implemented" on PyTorch and its Sgd has no Nesterov. Per parameter p with gradient g:
 * <pre>
 *   d = g + weightDecay * p
 *   buf = momentum * buf + d                    (buf starts at 0, so the first buf is d)
 *   d = nesterov ? d + momentum * buf : buf     (plain SGD when momentum is 0)
 *   p = p - lr * d
 * </pre>
 */
public final class MomentumSgd extends Optimizer {

    private final ParameterTracker learningRate;
    private final float momentum;
    private final boolean nesterov;
    private final Map<String, Map<Device, NDArray>> buffers = new ConcurrentHashMap<>();

    private MomentumSgd(Builder builder) {
        super(builder);
        this.learningRate = builder.learningRate;
        this.momentum = builder.momentum;
        this.nesterov = builder.nesterov;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        // The update itself must not be recorded: in-place changes to a leaf that requires grad fail.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            // The gradient is rebuilt from zero by the next step, so it serves as the scratch d.
            NDArray d = grad;
            if (getWeightDecay() != 0) {
                try (NDArray decay = weight.mul(getWeightDecay())) {
                    d.addi(decay);
                }
            }
            if (momentum != 0) {
                NDArray buffer = withDefaultState(buffers, parameterId, weight.getDevice(), k -> weight.zerosLike());
                buffer.muli(momentum).addi(d);
                if (nesterov) {
                    try (NDArray ahead = buffer.mul(momentum)) {
                        d.addi(ahead);
                    }
                } else {
                    d = buffer;
                }
            }
            try (NDArray step = d.mul(lr)) {
                weight.subi(step);
            }
            // DJL's PyTorch optimisers clear the gradient after their update (its collector does
            // not); without this, gradients pile up from step to step.
            JniUtils.zeroGrad((PtNDArray) weight);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRate;
        private float momentum;
        private boolean nesterov;

        public Builder learningRate(ParameterTracker learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder momentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public MomentumSgd build() {
            if (learningRate == null) {
                throw new IllegalArgumentException("learningRate must be set");
            }
            if (nesterov && momentum <= 0) {
                throw new IllegalArgumentException("Nesterov momentum needs momentum > 0, got " + momentum);
            }
            return new MomentumSgd(this);
        }
    }
}
