package dev.resnetservice.training;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A GPU's marketing name and instruction set ("AMD Instinct MI210", "gfx90a"), for the log, readiness
 * and the error that says a card has no kernels in this libtorch. DJL exposes neither: the name comes
 * from HIP ({@code hipDeviceGetName}) or, on CUDA, from libtorch's device properties; an AMD card's
 * architecture from the kernel driver's KFD topology in sysfs, the same source ROCm reads.
 */
public record GpuIdentity(String name, String architecture) {

    static final String UNKNOWN = "unknown";
    private static final Path KFD_NODES = Path.of("/sys/class/kfd/kfd/topology/nodes");

    /** GPU {@code index} as libtorch counts it; parts that cannot be read are "unknown". */
    public static GpuIdentity of(int index) {
        return new GpuIdentity(name(index).orElse(UNKNOWN), amdArchitecture(index).orElse(UNKNOWN));
    }

    @Override
    public String toString() {
        return name + " (" + architecture + ")";
    }

    /**
     * The gfx target of a KFD {@code gfx_target_version}: major * 10000 + minor * 100 + stepping, the
     * last two digits written in hex (90010 is gfx90a, 110000 gfx1100, 90402 gfx942).
     */
    static String gfxTarget(int gfxTargetVersion) {
        int major = gfxTargetVersion / 10000;
        int minor = gfxTargetVersion / 100 % 100;
        int stepping = gfxTargetVersion % 100;
        return "gfx" + major + Integer.toHexString(minor) + Integer.toHexString(stepping);
    }

    private static Optional<String> name(int index) {
        Optional<Function> hip = Libtorch.function("libamdhip64", "hipDeviceGetName");
        if (hip.isPresent()) {
            Memory buffer = new Memory(256);
            buffer.clear();
            int status = hip.get().invokeInt(new Object[] {buffer, 256, index});
            return status == 0 ? Optional.of(buffer.getString(0)) : Optional.empty();
        }
        // cudaDeviceProp starts with char name[256]; c10::DeviceIndex is int8_t ("a" in the mangled name)
        return Libtorch.function("libtorch_cuda", "_ZN2at4cuda19getDevicePropertiesEa")
                .map(properties -> properties.invokePointer(new Object[] {(byte) index}))
                .filter(pointer -> !Pointer.NULL.equals(pointer))
                .map(pointer -> pointer.getString(0));
    }

    /**
     * The KFD nodes that are GPUs this process can open, in node order (as ROCm enumerates them), after
     * ROCR_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES when they list plain indices.
     */
    private static Optional<String> amdArchitecture(int index) {
        List<Integer> targets = new ArrayList<>();
        try (Stream<Path> nodes = Files.list(KFD_NODES)) {
            for (Path node : nodes.sorted((a, b) -> Integer.compare(number(a), number(b))).toList()) {
                properties(node).ifPresent(targets::add);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        targets = visible(targets, System.getenv("ROCR_VISIBLE_DEVICES"));
        targets = visible(targets, System.getenv("HIP_VISIBLE_DEVICES"));
        return index < targets.size() ? Optional.of(gfxTarget(targets.get(index))) : Optional.empty();
    }

    /** The node's gfx_target_version when it is a GPU whose render node this process sees. */
    private static Optional<Integer> properties(Path node) throws IOException {
        int target = 0;
        int renderMinor = -1;
        for (String line : Files.readAllLines(node.resolve("properties"))) {
            String[] pair = line.trim().split("\\s+");
            if (pair.length == 2 && pair[0].equals("gfx_target_version")) {
                target = Integer.parseInt(pair[1]);
            } else if (pair.length == 2 && pair[0].equals("drm_render_minor")) {
                renderMinor = Integer.parseInt(pair[1]);
            }
        }
        boolean visible = renderMinor >= 0 && Files.exists(Path.of("/dev/dri/renderD" + renderMinor));
        return target > 0 && visible ? Optional.of(target) : Optional.empty();
    }

    static List<Integer> visible(List<Integer> devices, String list) {
        if (list == null || !list.matches("\\d+(,\\d+)*")) {
            return devices;
        }
        List<Integer> chosen = new ArrayList<>();
        for (String item : list.split(",")) {
            int i = Integer.parseInt(item);
            if (i < devices.size()) {
                chosen.add(devices.get(i));
            }
        }
        return chosen;
    }

    private static int number(Path node) {
        String name = node.getFileName().toString();
        return name.matches("\\d+") ? Integer.parseInt(name) : Integer.MAX_VALUE;
    }
}
