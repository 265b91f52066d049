package dev.resnetservice.interop;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a trained (unfolded) {@code ResNet18} block under torchvision's state_dict
 * names, in torchvision's order: DJL's order ({@link ParameterSequence}), so the two lists pair up
 * one to one, each pair checked by kind.
 */
public final class TorchvisionStateDict {

    /** DJL's names for BatchNorm's parameters, to torchvision's. */
    private static final Map<String, String> BATCH_NORM = Map.of("gamma", "weight", "beta", "bias",
            "runningMean", "running_mean", "runningVar", "running_var");

    private TorchvisionStateDict() {
    }

    public static List<Safetensors.Tensor> of(Block block) {
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        ParameterSequence parameters = new ParameterSequence(block);
        convBn(tensors, parameters, "conv1", "bn1");
        for (int layer = 1; layer <= 4; layer++) {
            for (int index = 0; index < 2; index++) {
                String prefix = "layer" + layer + "." + index + ".";
                convBn(tensors, parameters, prefix + "conv1", prefix + "bn1");
                convBn(tensors, parameters, prefix + "conv2", prefix + "bn2");
                if (index == 0 && layer > 1) { // the first block of layers 2-4 halves the map and doubles the width
                    convBn(tensors, parameters, prefix + "downsample.0", prefix + "downsample.1");
                }
            }
        }
        tensors.add(take(parameters, "weight", "fc.weight"));
        tensors.add(take(parameters, "bias", "fc.bias"));
        parameters.requireAllTaken("torchvision's resnet18");
        return tensors;
    }

    private static void convBn(List<Safetensors.Tensor> tensors, ParameterSequence parameters, String conv, String bn) {
        tensors.add(take(parameters, "weight", conv + ".weight"));
        for (String djl : List.of("gamma", "beta", "runningMean", "runningVar")) {
            tensors.add(take(parameters, djl, bn + "." + BATCH_NORM.get(djl)));
        }
        // DJL does not count BatchNorm's updates; torchvision uses the count only when momentum is None.
        tensors.add(Safetensors.Tensor.i64Scalar(bn + ".num_batches_tracked", 0));
    }

    private static Safetensors.Tensor take(ParameterSequence parameters, String djlName, String torchName) {
        var array = parameters.take(djlName, torchName).getArray();
        return Safetensors.Tensor.f32(torchName, Arrays.copyOf(array.getShape().getShape(),
                array.getShape().dimension()), array.toFloatArray());
    }
}
