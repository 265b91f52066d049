package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.resnetservice.data.MemoryLayout;
import java.util.function.Supplier;

/**
 * This machine's multiply-add throughput as libtorch reaches it, at the thread count libtorch runs
 * with: the reference the benchmark's figures are a fraction of. Two ways, both near their best:
 * libtorch's own GEMM on large square matrices, and oneDNN's convolution (the kernels the network
 * runs) on a large 3x3 conv without padding, whose every tap meets a pixel. They differ by vendor:
 * libtorch's fp32 GEMM is MKL's, which on AMD CPUs takes a path without AVX-512 and reached about
 * half of oneDNN's convolution on this project's AMD EPYC (docs/performance.md). bf16 operands are
 * made before the clock starts, as autocast makes them (an fp32 product with the identity, or a
 * conv with the identity kernel, under autocast is exact and bf16).
 */
final class MachinePeak {

    private MachinePeak() {
    }

    /** GFLOP/s (2 n^3 per product), the best of {@code repeats} products after one warm-up. */
    static double gemm(Precision precision, int n, int repeats) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            if (precision == Precision.BF16) {
                NDArray identity = manager.eye(n);
                try (Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                    a = a.matMul(identity);
                    b = identity.matMul(b);
                }
            }
            NDArray left = a;
            NDArray right = b;
            return 2.0 * n * n * n / bestSeconds(precision, manager, new NDList(a, b), repeats, () -> left.matMul(right))
                    / 1e9;
        }
    }

    /**
     * GFLOP/s of a 3x3 conv from {@code channels} to {@code channels} on {@code images} channels-last
     * maps of 34x34 (32x32 out, no padding: 2 * 9 * channels^2 per output pixel), the best of
     * {@code repeats} after one warm-up.
     */
    static double conv(Precision precision, int images, int channels, int repeats) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape none = new Shape(0, 0);
            Shape one = new Shape(1, 1);
            NDArray input = MemoryLayout.channelsLast(manager.randomNormal(new Shape(images, channels, 34, 34)));
            NDArray kernel = manager.randomNormal(new Shape(channels, channels, 3, 3));
            if (precision == Precision.BF16) {
                NDArray identity = manager.eye(channels).reshape(channels, channels, 1, 1);
                try (Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                    input = Conv2d.conv2d(input, identity, null, one, none, one).singletonOrThrow();
                }
            }
            NDArray x = input;
            double seconds = bestSeconds(precision, manager, new NDList(input, kernel), repeats,
                    () -> Conv2d.conv2d(x, kernel, null, one, none, one).singletonOrThrow());
            return 2.0 * 9 * channels * channels * images * 32 * 32 / seconds / 1e9;
        }
    }

    /**
     * The least seconds {@code operation} took in {@code repeats} runs after one warm-up, each in
     * {@code precision} and until its result's first element is read.
     */
    private static double bestSeconds(Precision precision, NDManager manager, NDList operands, int repeats,
            Supplier<NDArray> operation) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i <= repeats; i++) {
            try (NDManager step = manager.newSubManager();
                    Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                step.tempAttachAll(operands);
                long start = System.nanoTime();
                NDArray first = operation.get();
                while (first.getShape().dimension() > 0) {
                    first = first.get(0);
                }
                Autocast.fp32(first).getFloat();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (i > 0) {
                    best = Math.min(best, seconds);
                }
            }
        }
        return best;
    }
}
