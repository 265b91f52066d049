package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

    @Test
    void readsEveryForm() {
        assertEquals(new DeviceChoice("auto", -1), DeviceChoice.parse("auto"));
        assertEquals(new DeviceChoice("cpu", -1), DeviceChoice.parse("cpu"));
        assertEquals(new DeviceChoice("gpu", -1), DeviceChoice.parse("gpu"));
        assertEquals(new DeviceChoice("gpu", 1), DeviceChoice.parse("gpu:1"));
        assertEquals(new DeviceChoice("gpu", 12), DeviceChoice.parse(" gpu:12 "));
    }

    @Test
    void writesWhatItRead() {
        assertEquals("gpu:3", DeviceChoice.parse("gpu:3").toString());
        assertEquals("gpu", DeviceChoice.parse("gpu").toString());
        assertEquals(0, DeviceChoice.parse("gpu").gpuIndex());
        assertEquals(3, DeviceChoice.parse("gpu:3").gpuIndex());
        assertTrue(DeviceChoice.parse("gpu:3").isGpu());
        assertFalse(DeviceChoice.parse("auto").isGpu());
    }

    @Test
    void rejectsBadValuesNamingThem() {
        for (String bad : new String[] {"GPU", "gpu:", "gpu:-1", "gpu:x", "gpu:1:2", "cpu:0", "auto:1", "cuda", "gpu:1234", "", "rocm"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("gpu:N"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse(null));
    }
}
