package dev.resnetservice.testdata;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.ResNet18;

/** A ResNet18 whose BatchNorm statistics and affine parameters look trained: a fair test of folding and casting. */
public final class TrainedLikeNetwork {

    private TrainedLikeNetwork() {
    }

    /** Seeded (7), so that two tests build the same network. */
    public static Block build(Architecture architecture, NDManager manager) {
        manager.getEngine().setRandomSeed(7);
        Block trained = ResNet18.build(architecture, 10);
        ResNet18.initialize(trained, manager);
        // Statistics and affine parameters far from their initial 0 / 1, as after training.
        for (Parameter p : trained.getParameters().values()) {
            NDArray array = p.getArray();
            switch (p.getType()) {
                case GAMMA, RUNNING_VAR -> array.set(manager.randomUniform(0.5f, 2f, array.getShape()).toFloatArray());
                case BETA, RUNNING_MEAN -> array.set(manager.randomNormal(0, 0.5f, array.getShape(),
                        array.getDataType()).toFloatArray());
                default -> { }
            }
        }
        return trained;
    }
}
