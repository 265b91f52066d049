package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PyTorch's Adam and AdamW, {@code torch.optim.Adam(..., fused=True)}: libtorch's own
 * {@code at::_fused_adam_} / {@code at::_fused_adamw_} kernel, called per parameter, reads
 * parameter, gradient and both moments once and writes them back once. DJL's Adam makes five
 * temporaries per parameter (about 29 passes over memory against 7) and adds eps before the bias
 * correction; this is torch.optim.Adam's arithmetic exactly (Adam: L2 decay added to the
 * gradient; AdamW: decoupled), with PyTorch's betas (0.9, 0.999) and eps 1e-8.
 */
public final class FusedAdam extends InPlaceOptimizer {

    private static final String ADAM = "_ZN2at4_ops12_fused_adam_4callEN3c108ArrayRefINS_6TensorEEES5_S5_S5_S5_S5_dddddbbRKSt8optionalIS4_ES9_";
    private static final String ADAMW = "_ZN2at4_ops13_fused_adamw_4callEN3c108ArrayRefINS_6TensorEEES5_S5_S5_S5_S5_dddddbbRKSt8optionalIS4_ES9_";
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    /** An empty std::optional<at::Tensor>: the tensor's pointer, then the engaged flag, all zero. */
    private static final Memory NO_TENSOR = new Memory(16);

    static {
        NO_TENSOR.clear();
    }

    private final Function kernel;
    private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();

    private FusedAdam(Builder builder, Function kernel) {
        super(builder);
        this.kernel = kernel;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code c10::ArrayRef<at::Tensor>}, passed by value: where the tensors lie and how many. */
    @Structure.FieldOrder({"data", "length"})
    public static final class TensorList extends Structure implements Structure.ByValue {
        public Pointer data;
        public long length;

        public TensorList() {
        }

        /** One tensor: DJL's handle points at a heap {@code at::Tensor}, a list of one. */
        TensorList(NDArray tensor) {
            this.data = tensor == null ? null : new Pointer(((PtNDArray) tensor).getHandle());
            this.length = tensor == null ? 0 : 1;
        }
    }

    @Override
    protected void step(String parameterId, NDArray weight, NDArray grad, float lr, int step) {
        NDArray mean = withDefaultState(means, parameterId, weight.getDevice(), k -> weight.zerosLike());
        NDArray variance = withDefaultState(variances, parameterId, weight.getDevice(), k -> weight.zerosLike());
        // The kernel reads the step count (for the bias correction) from a tensor on the parameter's device.
        try (NDArray steps = weight.getManager().create((float) step)) {
            kernel.invokeVoid(new Object[] {
                new TensorList(weight), new TensorList(grad), new TensorList(mean), new TensorList(variance),
                new TensorList(null), new TensorList(steps),
                (double) lr, BETA1, BETA2, (double) getWeightDecay(), EPS, false, false, NO_TENSOR, NO_TENSOR});
        }
    }

    public static final class Builder extends InPlaceOptimizer.Builder<Builder> {

        private boolean decoupledWeightDecay;

        /** AdamW: weight decay applied to the weight, not added to the gradient. */
        public Builder decoupledWeightDecay(boolean decoupled) {
            this.decoupledWeightDecay = decoupled;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Empty when the loaded libtorch has no fused Adam (one older than 2.4, say). */
        public Optional<FusedAdam> build() {
            requireLearningRate();
            return Libtorch.function(decoupledWeightDecay ? ADAMW : ADAM).map(kernel -> new FusedAdam(this, kernel));
        }
    }
}
