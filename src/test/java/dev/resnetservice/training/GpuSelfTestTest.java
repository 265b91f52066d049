package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import org.junit.jupiter.api.Test;

class GpuSelfTestTest {

    @Test
    void passesOnTheCpuAgainstItself() {
        assertDoesNotThrow(() -> GpuSelfTest.run(Device.cpu(), "x86"));
    }

    @Test
    void comparisonCatchesAWrongValue() {
        float[] expected = {1f, -2f, 3f, 40f};
        GpuSelfTest.compare("matrix product", expected, new float[] {1f, -2f, 3.2f, 40f});
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GpuSelfTest.compare("convolution", expected, new float[] {1f, -2f, 3f, 41f}));
        assertTrue(e.getMessage().startsWith("convolution differs from the CPU's by 1.00"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> GpuSelfTest.compare("convolution", expected, new float[] {1f, -2f, Float.NaN, 40f}));
        assertThrows(IllegalStateException.class,
                () -> GpuSelfTest.compare("convolution", expected, new float[] {1f, -2f, 3f}));
    }

    @Test
    void missingKernelsNameTheArchitectureAndTheOverride() {
        String message = GpuSelfTest.explain(Device.gpu(0), "gfx1031",
                new EngineException("HIP error: invalid device function\nHIP kernel errors might be ..."));
        assertTrue(message.contains("gfx1031") && message.contains("HSA_OVERRIDE_GFX_VERSION=10.3.0")
                && message.contains("11.0.0"), message);
        assertTrue(message.endsWith("libtorch said: HIP error: invalid device function"), message);
    }
}
