package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.resnetservice.data.MemoryLayout;
import dev.resnetservice.testdata.TrainedLikeNetwork;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
        Block trained = TrainedLikeNetwork.build(architecture, manager);
        Block folded = foldedTwin(trained, architecture);

        // A few images as one /predict request, and a batch in the channels-last layout the
        // service gives batches from 32 images on: libtorch picks other kernels for each.
        for (NDArray images : List.of(manager.randomNormal(new Shape(4, 3, 32, 32)),
                MemoryLayout.channelsLast(manager.randomNormal(new Shape(40, 3, 32, 32))))) {
            float[] expected = logits(trained, images);
            float[] actual = logits(folded, images);
            float scale = 0;
            for (float v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 0.1f, "logits too small to tell anything apart: " + scale);
            assertArrayEquals(expected, actual, 1e-4f * scale);
        }
        assertTrue(folded.getParameters().size() < trained.getParameters().size());
    }

    /** Layer4 of the seed stem sees 2x2 maps and makes 1x1 ones: its convs keep only the taps that meet them. */
    @Test
    void theFoldedSeedNetworkKeepsOnlyTheTapsThatMeetPixels() {
        Block folded = ResNet18.buildFolded(Architecture.RESNET18, 10);
        ResNet18.initialize(folded, manager);
        long batchNormChannels = 4_800;
        long layer4Full = 512L * 256 * 3 * 3 + 3L * 512 * 512 * 3 * 3;
        long layer4Cut = 512L * 256 * 2 * 2 + 3L * 512 * 512 * 1 * 1;
        // gamma and beta go, each BatchNorm channel becomes a conv bias, layer4 loses its padding taps.
        assertEquals(11_181_642L - 2 * batchNormChannels + batchNormChannels - layer4Full + layer4Cut,
                ResNet18.trainableParameterCount(folded));
    }

    @Test
    void theFoldedNetworkRefusesImagesOtherThan32x32() {
        Block folded = ResNet18.buildFolded(Architecture.RESNET18, 10);
        ResNet18.initialize(folded, manager);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> logits(folded, manager.randomNormal(new Shape(1, 3, 64, 64))));
        assertTrue(e.getMessage().contains("32x32"), e.getMessage());
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
