package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
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
public final class MomentumSgd extends InPlaceOptimizer {

    private final float momentum;
    private final boolean nesterov;
    private final Map<String, Map<Device, NDArray>> buffers = new ConcurrentHashMap<>();

    private MomentumSgd(Builder builder) {
        super(builder);
        this.momentum = builder.momentum;
        this.nesterov = builder.nesterov;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void step(String parameterId, NDArray weight, NDArray grad, float lr, int step) {
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
        try (NDArray change = d.mul(lr)) {
            weight.subi(change);
        }
    }

    public static final class Builder extends InPlaceOptimizer.Builder<Builder> {

        private float momentum;
        private boolean nesterov;

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
            requireLearningRate();
            if (nesterov && momentum <= 0) {
                throw new IllegalArgumentException("Nesterov momentum needs momentum > 0, got " + momentum);
            }
            return new MomentumSgd(this);
        }
    }
}
