package dev.resnetservice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.resnetservice.data.MemoryLayout;

/**
 * A Conv2d that, where its window covers the whole input and makes one output pixel, convolves
 * only the kernel taps that meet the input: the others only ever meet padding zeros. Same
 * function, same gradients (the other taps' are zero either way), same parameters and checkpoint
 * format. With 32x32 images the seed stem's layer4 sees 2x2 and 1x1 maps; oneDNN would derive the
 * gradient of every tap, zeros included. Seed steps of both variants alternating in one JVM: median
 * 253 against 228 ms (docs/performance.md).
 */
final class KernelCroppingConv2d extends Conv2d {

    KernelCroppingConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /**
     * Whether a window of {@code kernel} taps, {@code padding} of them before the input, makes one
     * output from an input of {@code size} and reaches its last pixel: then exactly taps
     * padding..padding+size-1 meet the input.
     */
    static boolean windowCovers(long size, long kernel, long padding, long stride) {
        long outputs = (size + 2 * padding - kernel) / stride + 1;
        return outputs == 1 && padding > 0 && padding + size <= kernel;
    }

    /**
     * The taps of an (out, in, kh, kw) {@code kernel} that meet a {@code height} x {@code width}
     * input whose window covers it, {@code top} and {@code left} taps of padding before it.
     */
    static NDArray coveredTaps(NDArray kernel, long top, long left, long height, long width) {
        return kernel.get(":, :, {}:{}, {}:{}", top, top + height, left, left + width);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        long height = input.getShape().get(2);
        long width = input.getShape().get(3);
        boolean undilated = dilation.get(0) == 1 && dilation.get(1) == 1;
        if (!undilated || !windowCovers(height, kernelShape.get(0), padding.get(0), stride.get(0))
                || !windowCovers(width, kernelShape.get(1), padding.get(1), stride.get(1))) {
            return super.forwardInternal(parameterStore, inputs, training, params);
        }
        NDArray kernel = parameterStore.getValue(weight, input.getDevice(), training);
        // A contiguous copy that gradients flow through (DJL's duplicate() does not record one);
        // oneDNN took the strided view for a foreign layout.
        NDArray taps = MemoryLayout.plain(coveredTaps(kernel, padding.get(0), padding.get(1), height, width));
        NDArray shift = bias == null ? null : parameterStore.getValue(bias, input.getDevice(), training);
        // Plain layout: libtorch 2.7.1 gets channels-last 1x1 convs to 512 channels wrong here (as
        // layer4's shortcut, ResNet18); at these map sizes the copy is at most 2x2 pixels an image.
        return conv2d(MemoryLayout.plain(input), taps, shift, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1),
                groups);
    }
}
