package dev.resnetservice.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * Fine-tuning with {@code freeze: backbone}: everything before {@code fc} is a fixed feature
 * extractor run in eval mode, so BatchNorm uses and keeps its running statistics (in train mode it
 * would update them, and a frozen backbone would still change); the trainer sees only {@code fc},
 * the network's last block, so the optimiser and its weight decay touch nothing else.
 */
final class FrozenBackbone {

    private final List<Block> backbone;
    private final Block fc;

    /** @param network ResNet18's training network, its backbone loaded */
    FrozenBackbone(Block network) {
        List<Block> children = network.getChildren().values();
        this.backbone = children.subList(0, children.size() - 1);
        this.fc = children.get(children.size() - 1);
        for (Block block : backbone) {
            block.getParameters().values().forEach(parameter -> parameter.freeze(true));
        }
    }

    /** A model holding only {@code fc} (the same parameters), for the trainer. */
    Model head(Model network) {
        NDManager manager = network.getNDManager();
        Model head = Model.newInstance("fc", manager.getDevice(), manager.getEngine().getEngineName());
        head.setBlock(fc);
        return head;
    }

    /** The input to {@code fc}: the backbone's output in eval mode. */
    NDArray features(NDArray images, NDManager manager) {
        ParameterStore parameters = new ParameterStore(manager, false);
        NDList x = new NDList(images);
        for (Block block : backbone) {
            x = block.forward(parameters, x, false);
        }
        return x.singletonOrThrow();
    }
}
