package dev.resnetservice.interop;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of an (unfolded) {@code ResNet18} block under torchvision's state_dict names, in
 * torchvision's order: DJL's order ({@link ParameterSequence}), so the two lists pair up one to one,
 * each pair checked by kind.
 */
public final class TorchvisionStateDict {

    /** DJL's names for BatchNorm's parameters, to torchvision's. */
    private static final Map<String, String> BATCH_NORM = Map.of("gamma", "weight", "beta", "bias",
            "runningMean", "running_mean", "runningVar", "running_var");
    private static final String BATCHES_TRACKED = "num_batches_tracked";

    /** A torchvision key and the DJL parameter behind it; none for BatchNorm's update count, which DJL does not keep. */
    private record Entry(String name, Parameter parameter) {
    }

    private TorchvisionStateDict() {
    }

    /** The block's parameters (initialized) as torchvision's state_dict. */
    public static List<Safetensors.Tensor> of(Block block) {
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        for (Entry entry : entries(block)) {
            if (entry.parameter() == null) {
                // torchvision uses the count only when BatchNorm's momentum is None.
                tensors.add(Safetensors.Tensor.i64Scalar(entry.name(), 0));
            } else {
                var array = entry.parameter().getArray();
                tensors.add(Safetensors.Tensor.f32(entry.name(), array.getShape().getShape(), array.toFloatArray()));
            }
        }
        return tensors;
    }

    /**
     * Sets the block's parameters (initialized, for the shapes) from a torchvision state_dict, strictly as
     * {@code load_state_dict(strict=True)}: every key present with its shape and dtype, no other key.
     *
     * @throws IllegalArgumentException naming the first key that is missing, extra, misshaped or of another dtype
     */
    public static void load(Block block, Map<String, Safetensors.Tensor> stateDict) {
        Map<String, Safetensors.Tensor> extra = new LinkedHashMap<>(stateDict);
        List<Entry> entries = entries(block);
        for (Entry entry : entries) {
            Safetensors.Tensor tensor = extra.remove(entry.name());
            if (tensor == null) {
                throw new IllegalArgumentException("missing key " + entry.name());
            }
            long[] expected = entry.parameter() == null ? new long[0] : entry.parameter().getArray().getShape().getShape();
            if (!Arrays.equals(expected, tensor.shape())) {
                throw new IllegalArgumentException(entry.name() + " has shape " + tensor.shapeText() + ", expected "
                        + Arrays.toString(expected));
            }
            String dtype = entry.parameter() == null ? "I64" : "F32";
            if (!dtype.equals(tensor.dtype())) {
                throw new IllegalArgumentException(entry.name() + " is " + tensor.dtype() + ", expected " + dtype);
            }
        }
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unexpected key " + extra.keySet().iterator().next()
                    + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more)" : ""));
        }
        for (Entry entry : entries) {
            if (entry.parameter() != null) {
                entry.parameter().getArray().set(FloatBuffer.wrap(stateDict.get(entry.name()).f32()));
            }
        }
    }

    private static List<Entry> entries(Block block) {
        List<Entry> entries = new ArrayList<>();
        ParameterSequence parameters = new ParameterSequence(block);
        convBn(entries, parameters, "conv1", "bn1");
        for (int layer = 1; layer <= 4; layer++) {
            for (int index = 0; index < 2; index++) {
                String prefix = "layer" + layer + "." + index + ".";
                convBn(entries, parameters, prefix + "conv1", prefix + "bn1");
                convBn(entries, parameters, prefix + "conv2", prefix + "bn2");
                if (index == 0 && layer > 1) { // the first block of layers 2-4 halves the map and doubles the width
                    convBn(entries, parameters, prefix + "downsample.0", prefix + "downsample.1");
                }
            }
        }
        entries.add(new Entry("fc.weight", parameters.take("weight", "fc.weight")));
        entries.add(new Entry("fc.bias", parameters.take("bias", "fc.bias")));
        parameters.requireAllTaken("torchvision's resnet18");
        return entries;
    }

    private static void convBn(List<Entry> entries, ParameterSequence parameters, String conv, String bn) {
        entries.add(new Entry(conv + ".weight", parameters.take("weight", conv + ".weight")));
        for (String djl : List.of("gamma", "beta", "runningMean", "runningVar")) {
            String name = bn + "." + BATCH_NORM.get(djl);
            entries.add(new Entry(name, parameters.take(djl, name)));
        }
        entries.add(new Entry(bn + "." + BATCHES_TRACKED, null));
    }
}
