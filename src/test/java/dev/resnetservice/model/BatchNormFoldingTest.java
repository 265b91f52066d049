package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchNormFoldingTest {

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void theFoldedNetworkComputesWhatTheTrainedOneDoesInEvalMode(Architecture architecture) {
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
        Block folded = foldedTwin(trained, architecture);

        NDArray images = manager.randomNormal(new Shape(4, 3, 32, 32));
        float[] expected = logits(trained, images);
        float[] actual = logits(folded, images);
        float scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0.1f, "logits too small to tell anything apart: " + scale);
        assertArrayEquals(expected, actual, 1e-4f * scale);
        assertTrue(folded.getParameters().size() < trained.getParameters().size());
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void theFoldedNetworkKeepsItsOwnArraysWhenTheTrainedOneChanges(Architecture architecture) {
        Block trained = ResNet18.build(architecture, 10);
        ResNet18.initialize(trained, manager);
        Block folded = foldedTwin(trained, architecture);
        NDArray images = manager.randomNormal(new Shape(2, 3, 32, 32));
        float[] before = logits(folded, images);

        // As the next training step does: every trained array changes in place.
        for (Parameter p : trained.getParameters().values()) {
            p.getArray().addi(1f);
        }
        assertArrayEquals(before, logits(folded, images), 0f);
    }

    private Block foldedTwin(Block trained, Architecture architecture) {
        Block folded = ResNet18.buildFolded(architecture, 10);
        ResNet18.initialize(folded, manager);
        BatchNormFolding.fold(trained.getParameters().values(), folded.getParameters().values());
        return folded;
    }

    /** Eval-mode logits. */
    private float[] logits(Block network, NDArray images) {
        return network.forward(new ParameterStore(manager, false), new NDList(images), false)
                .singletonOrThrow().toFloatArray();
    }
}
