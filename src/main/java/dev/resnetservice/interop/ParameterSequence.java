package dev.resnetservice.interop;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * A ResNet18 block's parameters, taken one at a time in DJL's order, which is the order torchvision
 * registers its modules (conv1, bn1, then per BasicBlock conv1, bn1, conv2, bn2, downsample, then
 * fc): an exporter walks resnet.py's layout and takes each parameter as it names it, checked by kind.
 */
final class ParameterSequence {

    private final List<Parameter> parameters;
    private int next;

    ParameterSequence(Block block) {
        this.parameters = new ArrayList<>(block.getParameters().values());
    }

    /** The next parameter, which must be DJL's {@code djlName} (weight, bias, gamma, ...); {@code target} names it in the error. */
    Parameter take(String djlName, String target) {
        if (next >= parameters.size()) {
            throw new IllegalStateException("the block has too few parameters for " + target);
        }
        Parameter parameter = parameters.get(next++);
        if (!parameter.getName().endsWith(djlName)) {
            throw new IllegalStateException("expected DJL's " + djlName + " for " + target + ", found "
                    + parameter.getName());
        }
        return parameter;
    }

    /** Fails unless every parameter was taken: the block is not the layout {@code layout} names. */
    void requireAllTaken(String layout) {
        if (next != parameters.size()) {
            throw new IllegalStateException("the block has " + parameters.size() + " parameters, " + layout + " "
                    + next);
        }
    }
}
