package dev.resnetservice.training;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Why libtorch sees no GPU, from what a process can read about itself: its groups, the groups that
 * own {@code /dev/kfd} and {@code /dev/dri/renderD*}, and which libtorch it loaded. A ROCm container
 * most often fails for want of the render group, whose id differs between hosts.
 *
 * @param processGroups the process's supplementary and primary groups (from /proc/self/status)
 * @param deviceGroups owning group of each GPU device file that exists, /dev/kfd first; empty without /dev/kfd
 * @param libtorchFolder PYTORCH_LIBRARY_PATH, or null when libtorch came from DJL's CPU jar
 */
public record GpuAccess(List<Integer> processGroups, Map<String, Integer> deviceGroups, String libtorchFolder) {

    static final String KFD = "/dev/kfd";

    public static GpuAccess ofThisProcess() {
        Map<String, Integer> devices = new LinkedHashMap<>();
        ownerGroup(Path.of(KFD)).ifPresent(gid -> devices.put(KFD, gid));
        Map<String, Integer> renderNodes = new TreeMap<>();
        try (DirectoryStream<Path> dri = Files.newDirectoryStream(Path.of("/dev/dri"), "renderD*")) {
            for (Path node : dri) {
                ownerGroup(node).ifPresent(gid -> renderNodes.put(node.toString(), gid));
            }
        } catch (IOException e) {
            // no /dev/dri: the explanation names what is missing
        }
        devices.putAll(renderNodes);
        return new GpuAccess(groupsOfThisProcess(), devices, System.getenv("PYTORCH_LIBRARY_PATH"));
    }

    /** One paragraph: what is missing and what to set. */
    public String explain() {
        if (libtorchFolder == null) {
            return "libtorch is DJL's CPU build (pytorch-native-cpu jar), which has no GPU support: run the ROCm image "
                    + "(docker/Dockerfile.rocm), or set PYTORCH_LIBRARY_PATH to a ROCm or CUDA libtorch";
        }
        if (!deviceGroups.containsKey(KFD)) {
            return "there is no " + KFD + ": the process was started without AMD's GPU devices (compose: devices "
                    + "/dev/kfd and /dev/dri; Kubernetes: resources.limits amd.com/gpu: 1 with AMD's device plugin); "
                    + "on the host, check that the amdgpu driver is loaded (ls /dev/kfd)";
        }
        String owners = deviceGroups.entrySet().stream().map(e -> e.getKey() + " group " + e.getValue())
                .collect(Collectors.joining(", "));
        List<Integer> missing = deviceGroups.values().stream().distinct()
                .filter(gid -> !processGroups.contains(gid)).toList();
        String facts = KFD + " exists but libtorch from " + libtorchFolder + " sees no GPU. This process's groups: "
                + processGroups + "; device owners: " + owners + ". ";
        if (missing.isEmpty()) {
            return facts + "The groups match: check that libtorch_hip.so sits next to libtorch.so in "
                    + libtorchFolder + ", that the card is supported by ROCm (HSA_OVERRIDE_GFX_VERSION for consumer "
                    + "cards, see docs/production.md) and the host's kernel log (dmesg | grep amdgpu)";
        }
        String gids = missing.stream().map(String::valueOf).collect(Collectors.joining(","));
        return facts + "The process is not in group " + gids + ": with Docker Compose export RENDER_GID=" + missing.get(0)
                + " (the host's render group, stat -c %g /dev/kfd), on Kubernetes add " + gids
                + " to the pod's securityContext.supplementalGroups";
    }

    static List<Integer> groupsOfThisProcess() {
        List<Integer> groups = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Gid:")) {
                    groups.add(Integer.parseInt(line.substring(4).trim().split("\\s+")[0]));
                } else if (line.startsWith("Groups:") && line.length() > 7) {
                    Arrays.stream(line.substring(7).trim().split("\\s+")).filter(s -> !s.isEmpty())
                            .map(Integer::valueOf).filter(gid -> !groups.contains(gid)).forEach(groups::add);
                }
            }
        } catch (IOException e) {
            // not Linux: the list stays empty and the explanation says so by showing []
        }
        return groups;
    }

    private static Optional<Integer> ownerGroup(Path file) {
        try {
            return Optional.of((Integer) Files.getAttribute(file, "unix:gid"));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
