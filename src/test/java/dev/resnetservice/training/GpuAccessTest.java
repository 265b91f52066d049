package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuAccessTest {

    private static final String ROCM = "/opt/torch/lib";

    @Test
    void namesTheMissingRenderGroupAndWhatToSet() {
        Map<String, Integer> devices = new LinkedHashMap<>();
        devices.put("/dev/kfd", 110);
        devices.put("/dev/dri/renderD128", 110);
        String message = new GpuAccess(List.of(10001, 44, 109), devices, ROCM).explain();
        assertTrue(message.contains("[10001, 44, 109]"), message);
        assertTrue(message.contains("/dev/kfd group 110") && message.contains("/dev/dri/renderD128 group 110"), message);
        assertTrue(message.contains("not in group 110"), message);
        assertTrue(message.contains("RENDER_GID=110"), message);
        assertTrue(message.contains("supplementalGroups"), message);
    }

    @Test
    void namesEveryGroupMissingWhenDevicesDiffer() {
        Map<String, Integer> devices = new LinkedHashMap<>();
        devices.put("/dev/kfd", 992);
        devices.put("/dev/dri/renderD128", 993);
        devices.put("/dev/dri/renderD129", 44);
        String message = new GpuAccess(List.of(10001, 44), devices, ROCM).explain();
        assertTrue(message.contains("not in group 992,993"), message);
        assertFalse(message.contains("group 44 "), message);
    }

    @Test
    void withMatchingGroupsPointsAtTheLibraryAndTheCard() {
        Map<String, Integer> devices = Map.of("/dev/kfd", 109);
        String message = new GpuAccess(List.of(10001, 109), devices, ROCM).explain();
        assertTrue(message.contains("groups match"), message);
        assertTrue(message.contains("libtorch_hip.so") && message.contains("HSA_OVERRIDE_GFX_VERSION"), message);
    }

    @Test
    void withoutKfdSaysTheDevicesWereNotPassed() {
        String message = new GpuAccess(List.of(0), Map.of(), ROCM).explain();
        assertTrue(message.contains("there is no /dev/kfd") && message.contains("amd.com/gpu"), message);
    }

    @Test
    void withTheCpuLibtorchSaysSo() {
        String message = new GpuAccess(List.of(0), Map.of("/dev/kfd", 109), null).explain();
        assertTrue(message.contains("CPU build") && message.contains("Dockerfile.rocm"), message);
    }

    @Test
    void readsThisProcessGroups() {
        GpuAccess here = GpuAccess.ofThisProcess();
        assertFalse(here.processGroups().isEmpty(), "the primary group at least");
    }
}
