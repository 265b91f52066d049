package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.resnetservice.data.MemoryLayout;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelCroppingConv2dTest {

    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * Layer4's convs of the seed stem (2x2 map, stride 2, from 256 channels; 1x1 maps from 512), in
     * both memory layouts, its strided 1x1 shortcut (which reads the first pixel only), and a 3x3
     * and a 1x1 conv that make more than one pixel (4x4 and 8x8, stride 2), which must convolve in
     * full (the 1x1 one in the plain layout: libtorch gets the channels-last one wrong, ResNet18). Output, input gradient and weight gradient must be the
     * full kernel's: the crop is only worth having if training is unchanged by it.
     */
    @ParameterizedTest
    @CsvSource({"256, 2, 2, plain, 3", "256, 2, 2, channelsLast, 3", "512, 1, 1, plain, 3",
        "512, 1, 1, channelsLast, 3", "256, 4, 2, channelsLast, 3", "256, 2, 2, channelsLast, 1",
        "256, 8, 2, plain, 1"})
    void computesWhatTheFullKernelDoesWithTheSameGradients(int channels, int side, int stride, String layout,
            int kernel) {
        UnaryOperator<NDArray> arrange = layout.equals("plain") ? MemoryLayout::plain : MemoryLayout::channelsLast;
        Shape inputShape = new Shape(6, channels, side, side);
        Conv2d full = conv(kernel, stride).build();
        Conv2d cropping = new KernelCroppingConv2d(conv(kernel, stride));
        full.initialize(manager, DataType.FLOAT32, inputShape);
        cropping.initialize(manager, DataType.FLOAT32, inputShape);
        cropping.getParameters().get("weight").getArray()
                .set(full.getParameters().get("weight").getArray().toFloatArray());
        NDArray input = arrange.apply(manager.randomNormal(inputShape));
        NDArray upstream = manager.randomNormal(full.getOutputShapes(new Shape[] {inputShape})[0]);

        // The reference convolves the plain layout: libtorch 2.7.1's channels-last 1x1 conv from 256
        // channels to 512 is itself wrong on some of this project's CPUs (AMD EPYC; see ResNet18).
        NDList expected = outputAndGradients(full, MemoryLayout.plain(input), upstream);
        NDList actual = outputAndGradients(cropping, input, upstream);
        String[] what = {"output", "input gradient", "weight gradient"};
        for (int i = 0; i < what.length; i++) {
            assertEquals(expected.get(i).getShape(), actual.get(i).getShape(), what[i]);
            float scale = expected.get(i).abs().max().getFloat();
            float error = expected.get(i).sub(actual.get(i)).abs().max().getFloat();
            assertTrue(scale > 0 && error <= 1e-5f * scale, what[i] + ": error " + error + " at scale " + scale);
        }
        if (side == 1 && kernel == 3) {
            // Only the centre tap ever meets a pixel: every other tap's gradient is exactly zero.
            NDArray offCentre = actual.get(2).duplicate();
            offCentre.set(new NDIndex(":, :, 1, 1"), 0f);
            assertEquals(0f, offCentre.abs().max().getFloat());
        }
    }

    /** As ResNet18's: 3x3 with padding 1 or 1x1 without, no bias, 512 filters. */
    private static Conv2d.Builder conv(int kernel, int stride) {
        return Conv2d.builder().setFilters(512).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(kernel / 2, kernel / 2)).optBias(false);
    }

    /** The forward's output, and the gradients of sum(output * upstream) for the input and the weight. */
    private NDList outputAndGradients(Conv2d conv, NDArray input, NDArray upstream) {
        NDArray x = input.duplicate();
        x.setRequiresGradient(true);
        NDArray output;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            output = conv.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
            collector.backward(output.mul(upstream).sum());
        }
        return new NDList(output.duplicate(), x.getGradient().duplicate(),
                conv.getParameters().get("weight").getArray().getGradient().duplicate());
    }
}
