package dev.resnetservice.training;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a job or the service runs, as written in {@code resnet.device} or a job's {@code device}:
 * {@code auto}, {@code cpu}, {@code gpu} (the worker's GPU) or {@code gpu:N} (libtorch's GPU N, counted
 * after HIP_VISIBLE_DEVICES / CUDA_VISIBLE_DEVICES).
 *
 * @param kind auto, cpu or gpu
 * @param index the GPU index written after "gpu:", or -1 when none was written
 */
public record DeviceChoice(String kind, int index) {

    public static final DeviceChoice AUTO = new DeviceChoice("auto", -1);
    static final String EXPECTED = "expected auto, cpu, gpu or gpu:N (N a GPU index: 0, 1, ...)";
    private static final Pattern FORM = Pattern.compile("(auto|cpu|gpu)(?::(\\d{1,3}))?");

    /** @throws IllegalArgumentException naming the text, for anything else */
    public static DeviceChoice parse(String text) {
        Matcher matcher = FORM.matcher(text == null ? "" : text.trim());
        if (!matcher.matches() || (matcher.group(2) != null && !"gpu".equals(matcher.group(1)))) {
            throw new IllegalArgumentException("unknown device '" + text + "', " + EXPECTED);
        }
        return new DeviceChoice(matcher.group(1), matcher.group(2) == null ? -1 : Integer.parseInt(matcher.group(2)));
    }

    public boolean isGpu() {
        return "gpu".equals(kind);
    }

    /** The index a plain "gpu" means: the one written, else 0. */
    public int gpuIndex() {
        return Math.max(index, 0);
    }

    @Override
    public String toString() {
        return index < 0 ? kind : kind + ":" + index;
    }
}
