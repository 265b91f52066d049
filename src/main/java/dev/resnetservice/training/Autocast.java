package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Function;
import java.util.Optional;

/**
 * {@code with torch.autocast(device, dtype=torch.bfloat16):} for the calling thread, through
 * libtorch's own C++ API ({@code at::autocast}), which DJL does not expose. Inside, libtorch's
 * Autocast dispatch key runs the ops on its lower-precision list (conv1d/2d/3d, mm, addmm,
 * matmul, linear, bmm, ...) on bf16 copies of their fp32 inputs; ops on its fp32 list in fp32;
 * everything else (BatchNorm, ReLU, add, pooling) in the dtype it is given, so BatchNorm reads bf16
 * activations with its fp32 weights and statistics and accumulates in fp32. DJL's conv2d and
 * Linear reach libtorch as {@code at::_ops::conv2d} and {@code matmul}, so both are cast.
 * Autograd records the casts: gradients reach the fp32 weights in fp32.
 *
 * <p>As on leaving PyTorch's outermost autocast, closing clears the cast cache: it keeps the bf16
 * copy of every weight that requires grad, which would go stale once the optimiser updates it.
 * The state is thread-local, like grad mode: enter and close on the thread that runs the forward.
 */
public final class Autocast implements AutoCloseable {

    private static final String SET_ENABLED = "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb";
    private static final String IS_ENABLED = "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE";
    private static final String SET_DTYPE = "_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE";
    private static final String GET_DTYPE = "_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE";
    private static final String INCREMENT_NESTING = "_ZN2at8autocast17increment_nestingEv";
    private static final String DECREMENT_NESTING = "_ZN2at8autocast17decrement_nestingEv";
    private static final String CLEAR_CACHE = "_ZN2at8autocast11clear_cacheEv";
    /** c10::DeviceType: CPU 0, CUDA 1 (a ROCm build's GPUs are "cuda" too). */
    private static final int CPU = 0;
    private static final int CUDA = 1;
    /** c10::ScalarType::BFloat16. Booleans go as 1 and 0: JNA passes a Java true as -1, which a C++ bool misreads. */
    private static final int BFLOAT16 = 15;
    private static final Autocast OFF = new Autocast(null, CPU, false, 0);

    private final Functions functions;
    private final int deviceType;
    private final boolean wasEnabled;
    private final int previousDtype;

    private Autocast(Functions functions, int deviceType, boolean wasEnabled, int previousDtype) {
        this.functions = functions;
        this.deviceType = deviceType;
        this.wasEnabled = wasEnabled;
        this.previousDtype = previousDtype;
    }

    /**
     * Ops on {@code device} run in {@code precision} on this thread until {@link #close()}; fp32
     * changes nothing.
     *
     * @throws UnsupportedOperationException when the loaded libtorch has no autocast API
     */
    public static Autocast enter(Precision precision, Device device) {
        if (precision == Precision.FP32) {
            return OFF;
        }
        Functions functions = Functions.loaded()
                .orElseThrow(() -> new UnsupportedOperationException("the loaded libtorch has no at::autocast API"));
        int type = device.isGpu() ? CUDA : CPU;
        boolean wasEnabled = (functions.isEnabled.invokeInt(new Object[] {type}) & 0xff) != 0;
        int previousDtype = functions.getDtype.invokeInt(new Object[] {type}) & 0xff;
        functions.setEnabled.invokeVoid(new Object[] {type, 1});
        functions.setDtype.invokeVoid(new Object[] {type, BFLOAT16});
        functions.incrementNesting.invokeLong(new Object[0]);
        return new Autocast(functions, type, wasEnabled, previousDtype);
    }

    /**
     * Whether {@code precision} runs on {@code device} here: the loaded libtorch has the autocast
     * API and a bf16 matrix product under it gives bf16 on the device.
     */
    public static boolean supported(Precision precision, NDManager manager) {
        if (precision == Precision.FP32) {
            return true;
        }
        if (Functions.loaded().isEmpty()) {
            return false;
        }
        try (NDManager probe = manager.newSubManager(); Autocast scope = enter(precision, manager.getDevice())) {
            NDArray a = probe.ones(new Shape(4, 4));
            NDArray product = a.matMul(a);
            // DJL 0.36 knows no libtorch bfloat16 and reports it as UNKNOWN: not fp32 is what it says.
            return product.getDataType() != DataType.FLOAT32 && fp32(product).getFloat(0, 0) == 4f;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * An autocast region's output in fp32, for the loss and the softmax: PyTorch's autocast puts
     * cross entropy, log-softmax and the other reductions on its fp32 list.
     */
    public static NDArray fp32(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array;
        }
        // Not toType: DJL's cast runs under a NoGradGuard, which would cut the graph before the loss.
        // Adding a one-element fp32 tensor promotes to fp32 and autograd records it as a cast.
        return array.add(array.getManager().zeros(new Shape(1)));
    }

    @Override
    public void close() {
        if (functions == null) {
            return;
        }
        if (functions.decrementNesting.invokeLong(new Object[0]) == 0) {
            functions.clearCache.invokeVoid(new Object[0]);
        }
        functions.setEnabled.invokeVoid(new Object[] {deviceType, wasEnabled ? 1 : 0});
        functions.setDtype.invokeVoid(new Object[] {deviceType, previousDtype});
    }

    private record Functions(Function setEnabled, Function isEnabled, Function setDtype, Function getDtype,
            Function incrementNesting, Function decrementNesting, Function clearCache) {

        /** Looked up once, after the engine has loaded libtorch (reading /proc/self/maps per step would cost). */
        private static volatile Optional<Functions> loaded;

        static Optional<Functions> loaded() {
            if (loaded == null) {
                loaded = find();
            }
            return loaded;
        }

        private static Optional<Functions> find() {
            Optional<Function> setEnabled = Libtorch.function(SET_ENABLED);
            Optional<Function> isEnabled = Libtorch.function(IS_ENABLED);
            Optional<Function> setDtype = Libtorch.function(SET_DTYPE);
            Optional<Function> getDtype = Libtorch.function(GET_DTYPE);
            Optional<Function> increment = Libtorch.function(INCREMENT_NESTING);
            Optional<Function> decrement = Libtorch.function(DECREMENT_NESTING);
            Optional<Function> clearCache = Libtorch.function(CLEAR_CACHE);
            if (setEnabled.isEmpty() || isEnabled.isEmpty() || setDtype.isEmpty() || getDtype.isEmpty()
                    || increment.isEmpty() || decrement.isEmpty() || clearCache.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Functions(setEnabled.get(), isEnabled.get(), setDtype.get(), getDtype.get(),
                    increment.get(), decrement.get(), clearCache.get()));
        }
    }
}
