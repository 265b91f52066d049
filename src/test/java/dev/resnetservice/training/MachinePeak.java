package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * This machine's matrix-multiply throughput in libtorch's own GEMM, at the thread count libtorch
 * runs with: the reference the benchmark's figures are a fraction of. Large square matrices, so
 * the GEMM runs near its best; bf16 operands are made before the clock starts, as autocast's
 * matmul makes them (an fp32 product with the identity under autocast is exact and bf16).
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
            double best = Double.MAX_VALUE;
            for (int i = 0; i <= repeats; i++) {
                try (NDManager step = manager.newSubManager();
                        Autocast autocast = Autocast.enter(precision, Device.cpu())) {
                    step.tempAttachAll(new ai.djl.ndarray.NDList(a, b));
                    long start = System.nanoTime();
                    NDArray product = a.matMul(b);
                    Autocast.fp32(product.get(0, 0)).getFloat();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (i > 0) {
                        best = Math.min(best, seconds);
                    }
                }
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
