package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.resnetservice.data.DeviceNormalizer;
import dev.resnetservice.data.MemoryLayout;
import dev.resnetservice.data.Normalization;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

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

    /**
     * The service lays CPU batches out channels-last (DeviceNormalizer); libtorch must compute the
     * same network from them (it did not for layer4's shortcut before it got a plain-layout copy).
     * Logits are compared whole. Backward is compared conv by conv and BatchNorm by BatchNorm, on
     * the same input values in both layouts: through whole stages, ReLU and max-pool decisions
     * turn rounding differences into percent-size gradient differences, for a 1e-6 change of the
     * input as much as for a change of layout.
     */
    @Test
    void channelsLastBatchesGiveThePlainLayoutsLogitsAndGradients() {
        int images = DeviceNormalizer.CHANNELS_LAST_FROM;
        byte[] pixels = new byte[images * 3 * 32 * 32];
        new Random(3).nextBytes(pixels);
        for (Architecture architecture : Architecture.values()) {
            try (NDManager manager = newManager()) {
                Block block = initialized(architecture, manager);
                NDArray input = new DeviceNormalizer(Normalization.cifar10(), manager)
                        .images(ByteBuffer.allocateDirect(pixels.length).put(pixels).flip(), images, manager);
                ParameterStore parameters = new ParameterStore(manager, false);
                for (boolean training : new boolean[] {false, true}) {
                    assertClose(block.forward(parameters, new NDList(MemoryLayout.plain(input)), training).singletonOrThrow(),
                            block.forward(parameters, new NDList(input), training).singletonOrThrow(),
                            architecture.id() + (training ? " training" : " eval") + " logits");
                }
                for (Block layer : convsAndBatchNorms(block)) {
                    Shape shape = layer.getInputShapes()[0];
                    NDArray x = manager.randomNormal(new Shape(8, shape.get(1), shape.get(2), shape.get(3)));
                    NDArray upstream = manager.randomNormal(layer.getOutputShapes(new Shape[] {x.getShape()})[0]);
                    String what = architecture.id() + " " + layer.getClass().getSimpleName() + " on " + shape;
                    assertClose(inputGradient(layer, x, upstream, manager),
                            inputGradient(layer, MemoryLayout.channelsLast(x), upstream, manager), what + ", gradient");
                }
            }
        }
    }

    private static List<Block> convsAndBatchNorms(Block block) {
        if (block instanceof Conv2d || block instanceof BatchNorm) {
            return List.of(block);
        }
        return block.getChildren().values().stream().flatMap(child -> convsAndBatchNorms(child).stream()).toList();
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        float scale = expected.abs().max().getFloat();
        float error = expected.sub(actual).abs().max().getFloat();
        assertTrue(error <= 1e-4f * scale, what + ": error " + error + " at scale " + scale);
    }

    private static NDArray inputGradient(Block layer, NDArray input, NDArray upstream, NDManager manager) {
        NDArray x = input.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray output = layer.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
            collector.backward(output.mul(upstream).sum());
        }
        return x.getGradient().duplicate();
    }

    /**
     * The seed stem pools before its ReLU, torchvision's relu-then-maxpool swapped: the same outputs
     * and the same input gradients, bit for bit, also where a whole window is negative (the upper
     * half of the map here) and where a window's maximum is tied.
     */
    @Test
    void poolingBeforeReluGivesTorchvisionsStemOutputsAndGradients() {
        try (NDManager manager = newManager()) {
            NDArray input = manager.randomNormal(new Shape(4, 8, 16, 16));
            input.set(new NDIndex(":, :, 0:8, :"), input.get(":, :, 0:8, :").abs().neg());
            input.set(new NDIndex(":, :, 8, 8:10"), 0.5f);
            NDArray upstream = manager.randomNormal(new Shape(4, 8, 8, 8));
            Block torchvision = new SequentialBlock().add(Activation.reluBlock()).add(stemPool());
            Block pooledFirst = new SequentialBlock().add(stemPool()).add(Activation.reluBlock());
            NDArray expected = torchvision.forward(new ParameterStore(manager, false), new NDList(input), false)
                    .singletonOrThrow();
            NDArray actual = pooledFirst.forward(new ParameterStore(manager, false), new NDList(input), false)
                    .singletonOrThrow();
            assertEquals(0f, expected.sub(actual).abs().max().getFloat(), "output");
            NDArray expectedGradient = inputGradient(torchvision, input, upstream, manager);
            assertTrue(expectedGradient.abs().sum().getFloat() > 0);
            assertEquals(0f, expectedGradient.sub(inputGradient(pooledFirst, input, upstream, manager)).abs().max()
                    .getFloat(), "input gradient");
        }
    }

    private static Block stemPool() {
        return Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1));
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
