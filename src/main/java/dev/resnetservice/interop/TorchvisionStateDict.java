package dev.resnetservice.interop;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a trained (unfolded) {@code ResNet18} block under torchvision's state_dict
 * names, in torchvision's order. DJL walks the block tree in the order torchvision registers its
 * modules (conv1, bn1, then per BasicBlock conv1, bn1, conv2, bn2, downsample.0, downsample.1, then
 * fc), so the two lists pair up one to one; each pair is checked by kind and shape.
 */
public final class TorchvisionStateDict {

    /** DJL's names for BatchNorm's parameters, to torchvision's. */
    private static final Map<String, String> BATCH_NORM = Map.of("gamma", "weight", "beta", "bias",
            "runningMean", "running_mean", "runningVar", "running_var");

    private TorchvisionStateDict() {
    }

    public static List<Safetensors.Tensor> of(Block block) {
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        List<Parameter> parameters = new ArrayList<>(block.getParameters().values());
        int[] next = {0};
        convBn(tensors, parameters, next, "conv1", "bn1");
        for (int layer = 1; layer <= 4; layer++) {
            for (int index = 0; index < 2; index++) {
                String prefix = "layer" + layer + "." + index + ".";
                convBn(tensors, parameters, next, prefix + "conv1", prefix + "bn1");
                convBn(tensors, parameters, next, prefix + "conv2", prefix + "bn2");
                if (index == 0 && layer > 1) { // the first block of layers 2-4 halves the map and doubles the width
                    convBn(tensors, parameters, next, prefix + "downsample.0", prefix + "downsample.1");
                }
            }
        }
        tensors.add(take(parameters, next, "weight", "fc.weight"));
        tensors.add(take(parameters, next, "bias", "fc.bias"));
        if (next[0] != parameters.size()) {
            throw new IllegalStateException("the block has " + parameters.size() + " parameters, torchvision's resnet18 "
                    + next[0]);
        }
        return tensors;
    }

    private static void convBn(List<Safetensors.Tensor> tensors, List<Parameter> parameters, int[] next, String conv,
            String bn) {
        tensors.add(take(parameters, next, "weight", conv + ".weight"));
        for (String djl : List.of("gamma", "beta", "runningMean", "runningVar")) {
            tensors.add(take(parameters, next, djl, bn + "." + BATCH_NORM.get(djl)));
        }
        // DJL does not count BatchNorm's updates; torchvision uses the count only when momentum is None.
        tensors.add(Safetensors.Tensor.i64Scalar(bn + ".num_batches_tracked", 0));
    }

    private static Safetensors.Tensor take(List<Parameter> parameters, int[] next, String djlName, String torchName) {
        if (next[0] >= parameters.size()) {
            throw new IllegalStateException("the block has too few parameters for " + torchName);
        }
        Parameter parameter = parameters.get(next[0]++);
        if (!parameter.getName().endsWith(djlName)) {
            throw new IllegalStateException("expected DJL's " + djlName + " for " + torchName + ", found "
                    + parameter.getName());
        }
        var array = parameter.getArray();
        return Safetensors.Tensor.f32(torchName, Arrays.copyOf(array.getShape().getShape(),
                array.getShape().dimension()), array.toFloatArray());
    }
}
