package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** On this machine's CPU libtorch: what each resnet.device does when no GPU is there. */
class TrainingDevicesTest {

    @Test
    void aGpuNamedInTheConfigurationFailsStartUpSayingWhy() {
        TrainingDevices devices = new TrainingDevices("gpu", false);
        IllegalStateException e = assertThrows(IllegalStateException.class, devices::start);
        assertTrue(e.getMessage().contains("device 'gpu' was asked for") && e.getMessage().contains("no GPU"),
                e.getMessage());
        assertTrue(e.getMessage().contains(GpuAccess.ofThisProcess().explain()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new TrainingDevices("gpu:1", false).start());
    }

    @Test
    void autoFallsBackToTheCpuAndCpuStaysThere() {
        TrainingDevices devices = new TrainingDevices("auto", false);
        devices.start();
        assertEquals(Device.cpu(), devices.resolve("auto"));
        assertEquals(Device.cpu(), devices.resolve("cpu"));
        assertEquals(0, devices.gpuCount());
        assertTrue(devices.gpu().isEmpty());
        assertThrows(IllegalStateException.class, () -> devices.resolve("gpu:0"));
        assertThrows(IllegalArgumentException.class, () -> devices.resolve("tpu"));
    }

    @Test
    void aBadConfigurationNamesTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingDevices("gpu0", false));
        assertTrue(e.getMessage().startsWith("resnet.device: unknown device 'gpu0'"), e.getMessage());
    }
}
