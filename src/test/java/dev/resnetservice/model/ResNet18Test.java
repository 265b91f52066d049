package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

class ResNet18Test {

    private static NDManager newManager() {
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    @Test
    void seedLayoutHasTorchvisionParameterCount() {
        try (NDManager manager = newManager()) {
            Block block = initialized(Architecture.RESNET18, manager);
            assertEquals(11_181_642, ResNet18.trainableParameterCount(block));
            assertEquals(9_600, runningStatistics(block));
        }
    }

    @Test
    void cifarStemSavesTheDifferenceOfA7x7AndA3x3Conv() {
        try (NDManager manager = newManager()) {
            Block block = initialized(Architecture.RESNET18_CIFAR, manager);
            assertEquals(11_173_962, ResNet18.trainableParameterCount(block));
            assertEquals(9_600, runningStatistics(block));
        }
    }

    @Test
    void bothStemsMapABatchToOneLogitPerClass() {
        for (Architecture architecture : Architecture.values()) {
            try (NDManager manager = newManager()) {
                Block block = initialized(architecture, manager);
                NDArray input = manager.randomNormal(new Shape(2, 3, 32, 32));
                NDList output = block.forward(new ParameterStore(manager, false), new NDList(input), false);
                assertEquals(new Shape(2, 10), output.singletonOrThrow().getShape(), architecture.id());
            }
        }
    }

    @Test
    void convWeightsAreKaimingNormalOnFanOut() {
        try (NDManager manager = newManager()) {
            Block block = initialized(Architecture.RESNET18, manager);
            NDArray layer4Conv = block.getParameters().values().stream()
                    .map(Parameter::getArray)
                    .filter(a -> a.getShape().equals(new Shape(512, 512, 3, 3)))
                    .findFirst()
                    .orElseThrow();
            double expected = Math.sqrt(2.0 / (512 * 3 * 3));
            double std = layer4Conv.sub(layer4Conv.mean()).square().mean().sqrt().getFloat();
            assertEquals(expected, std, 0.1 * expected);
        }
    }

    @Test
    void linearIsUniformOverOneOverSqrtFanIn() {
        try (NDManager manager = newManager()) {
            Block block = initialized(Architecture.RESNET18, manager);
            double bound = 1 / Math.sqrt(512);
            NDArray weight = block.getParameters().values().stream()
                    .map(Parameter::getArray)
                    .filter(a -> a.getShape().equals(new Shape(10, 512)))
                    .findFirst()
                    .orElseThrow();
            float largest = weight.abs().max().getFloat();
            assertTrue(largest <= bound && largest > 0.95 * bound, "max |w| " + largest + ", bound " + bound);
        }
    }

    @Test
    void rejectsFewerThanTwoClassesNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResNet18.build(Architecture.RESNET18, 1));
        assertTrue(e.getMessage().contains("got 1"), e.getMessage());
    }

    private static Block initialized(Architecture architecture, NDManager manager) {
        Block block = ResNet18.build(architecture, 10);
        ResNet18.initialize(block, manager);
        return block;
    }

    private static long runningStatistics(Block block) {
        return block.getParameters().values().stream()
                .filter(p -> !p.requiresGradient())
                .mapToLong(p -> p.getArray().size())
                .sum();
    }
}
