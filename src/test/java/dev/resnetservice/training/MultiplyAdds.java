package dev.resnetservice.training;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * Multiply-adds of one image's forward, counted from the layer shapes as torchvision's network
 * has them: every conv's output pixels x its input channels x its kernel taps, and the Linear's.
 * Cut taps count in full (layer4 computes fewer here; the count is the network's, not this
 * implementation's), BatchNorm, ReLU, pooling and adds not at all. A training step is three times
 * the forward: the backward computes the input and the weight gradients, each as much again.
 */
final class MultiplyAdds {

    private MultiplyAdds() {
    }

    /** @param block an initialised network; @param input one image's shape, (1, C, H, W) */
    static long forward(Block block, Shape input) {
        if (block instanceof Conv2d || block instanceof Linear) {
            Shape output = block.getOutputShapes(new Shape[] {input})[0];
            Shape weight = block.getParameters().get("weight").getArray().getShape();
            return output.size() * (weight.size() / weight.get(0));
        }
        if (block instanceof SequentialBlock) {
            long sum = 0;
            Shape shape = input;
            for (Block child : block.getChildren().values()) {
                sum += forward(child, shape);
                shape = child.getOutputShapes(new Shape[] {shape})[0];
            }
            return sum;
        }
        if (block instanceof ParallelBlock) {
            return block.getChildren().values().stream().mapToLong(branch -> forward(branch, input)).sum();
        }
        return 0;
    }
}
