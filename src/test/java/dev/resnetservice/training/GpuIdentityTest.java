package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GpuIdentityTest {

    @Test
    void turnsKfdTargetVersionsIntoGfxNames() {
        assertEquals("gfx90a", GpuIdentity.gfxTarget(90010));
        assertEquals("gfx908", GpuIdentity.gfxTarget(90008));
        assertEquals("gfx942", GpuIdentity.gfxTarget(90402));
        assertEquals("gfx1030", GpuIdentity.gfxTarget(100300));
        assertEquals("gfx1100", GpuIdentity.gfxTarget(110000));
        assertEquals("gfx1101", GpuIdentity.gfxTarget(110001));
    }

    @Test
    void visibleDevicesPickAndReorder() {
        List<Integer> all = List.of(90010, 110000, 100300);
        assertEquals(all, GpuIdentity.visible(all, null));
        assertEquals(List.of(100300, 90010), GpuIdentity.visible(all, "2,0"));
        assertEquals(List.of(110000), GpuIdentity.visible(all, "1,7"));
        assertEquals(all, GpuIdentity.visible(all, "GPU-3f2a"), "UUIDs are left to ROCm");
    }

    @Test
    void aMachineWithoutAmdGpusIsUnknownNotAnError() {
        GpuIdentity none = GpuIdentity.of(0);
        assertEquals(GpuIdentity.UNKNOWN, none.architecture());
        assertEquals(GpuIdentity.UNKNOWN, none.name());
    }
}
