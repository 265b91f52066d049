package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Locale;
import java.util.Random;

/**
 * A matrix product and a convolution on a device, compared with the CPU, before the service says it
 * is ready: a card the libtorch build has no kernels for ("invalid device function") or that computes
 * wrong fails start-up with a readable reason instead of failing the first job.
 */
public final class GpuSelfTest {

    /** Relative to the largest CPU value: TF32 convolutions (cuDNN's default) agree to about 1e-3. */
    static final double TOLERANCE = 1e-2;
    static final String OVERRIDES = "HSA_OVERRIDE_GFX_VERSION=10.3.0 for RDNA2 (RX 6000, gfx103x) or 11.0.0 for RDNA3 "
            + "(RX 7000, gfx110x), see docs/production.md, \"First run on an AMD GPU\"";

    private GpuSelfTest() {
    }

    /**
     * @param architecture what the error names when the device has no kernels for this build
     * @throws IllegalStateException when an operation fails on the device or its result differs from the CPU's
     */
    public static void run(Device device, String architecture) {
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            Random random = new Random(0);
            NDArray a = cpu.create(values(random, 64 * 64), new Shape(64, 64));
            NDArray b = cpu.create(values(random, 64 * 64), new Shape(64, 64));
            NDArray image = cpu.create(values(random, 2 * 3 * 16 * 16), new Shape(2, 3, 16, 16));
            NDArray kernel = cpu.create(values(random, 8 * 3 * 3 * 3), new Shape(8, 3, 3, 3));
            compare("matrix product", a.matMul(b).toFloatArray(),
                    a.toDevice(device, true).matMul(b.toDevice(device, true)).toDevice(Device.cpu(), false).toFloatArray());
            compare("convolution", convolve(image, kernel).toFloatArray(),
                    convolve(image.toDevice(device, true), kernel.toDevice(device, true)).toDevice(Device.cpu(), false)
                            .toFloatArray());
        } catch (IllegalStateException e) {
            throw new IllegalStateException("GPU self-test on " + device + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(explain(device, architecture, e), e);
        }
    }

    /** @throws IllegalStateException naming the operation and the largest difference */
    static void compare(String operation, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(operation + " gave " + actual.length + " values, the CPU " + expected.length);
        }
        double scale = 1e-6;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        if (!(worst <= TOLERANCE * scale)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s differs from the CPU's by %.3g (largest CPU value %.3g, allowed %.0e relative)",
                    operation, worst, scale, TOLERANCE));
        }
    }

    static String explain(Device device, String architecture, RuntimeException error) {
        String message = String.valueOf(error.getMessage());
        if (message.contains("invalid device function") || message.contains("no kernel image")) {
            return "GPU self-test on " + device + " failed: this libtorch has no kernels for the card's architecture ("
                    + architecture + "). ROCm's PyTorch supports the gfx targets AMD lists for ROCm 6.3; consumer "
                    + "cards run with the nearest supported one: " + OVERRIDES + ". libtorch said: " + firstLine(message);
        }
        return "GPU self-test on " + device + " (" + architecture + ") failed: " + firstLine(message);
    }

    private static NDArray convolve(NDArray image, NDArray kernel) {
        return Conv2d.conv2d(image, kernel, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
    }

    private static float[] values(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
