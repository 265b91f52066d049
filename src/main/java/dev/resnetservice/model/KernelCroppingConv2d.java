package dev.resnetservice.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.resnetservice.data.MemoryLayout;

/**
 * ResNet18's Conv2d. Where it makes one output pixel it computes with only the kernel taps that
 * meet the input (the others only ever meet padding zeros), as a matrix product. Same function,
 * same gradients (the other taps' are zero either way), same parameters and checkpoint format.
 * With 32x32 images the seed stem's layer4 sees 2x2 and 1x1 maps: its 3x3 convs, its strided 1x1
 * shortcut (which reads the first pixel only) and the folded network's cut convs (kernel = map)
 * all make one pixel; oneDNN would derive the gradient of every tap, zeros included. Seed steps of
 * the cropped and the full conv alternating in one JVM: median 228 against 253 ms
 * (docs/performance.md). Elsewhere a conv, 1x1 ones on a plain-layout copy.
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
        return padding > 0 && onePixelReads(size, kernel, padding, stride) == size;
    }

    /**
     * The taps of an (out, in, kh, kw) {@code kernel} that meet a {@code height} x {@code width}
     * input whose window covers it, {@code top} and {@code left} taps of padding before it.
     */
    static NDArray coveredTaps(NDArray kernel, long top, long left, long height, long width) {
        return kernel.get(":, :, {}:{}, {}:{}", top, top + height, left, left + width);
    }

    /**
     * How many leading pixels of an input of {@code size} the window of a conv that makes one
     * output reads (its taps padding..padding+n-1 meet them), or 0 when it makes more than one.
     */
    static long onePixelReads(long size, long kernel, long padding, long stride) {
        long outputs = (size + 2 * padding - kernel) / stride + 1;
        return outputs == 1 ? Math.min(size, kernel - padding) : 0;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        long height = input.getShape().get(2);
        long width = input.getShape().get(3);
        boolean undilated = dilation.get(0) == 1 && dilation.get(1) == 1;
        long rows = onePixelReads(height, kernelShape.get(0), padding.get(0), stride.get(0));
        long columns = onePixelReads(width, kernelShape.get(1), padding.get(1), stride.get(1));
        if (undilated && rows > 0 && columns > 0) {
            NDArray kernel = parameterStore.getValue(weight, input.getDevice(), training);
            NDArray taps = coveredTaps(kernel, padding.get(0), padding.get(1), rows, columns);
            NDArray shift = bias == null ? null : parameterStore.getValue(bias, input.getDevice(), training);
            NDArray read = rows == height && columns == width ? input : input.get(":, :, 0:{}, 0:{}", rows, columns);
            return new NDList(asMatrixProduct(read, taps, shift));
        }
        boolean oneByOne = kernelShape.get(0) == 1 && kernelShape.get(1) == 1;
        // libtorch 2.7.1 gets channels-last 1x1 convs from 256 or 512 channels to 512 wrong on this
        // project's AMD EPYC (errors as large as the outputs; the plain layout and PyTorch 1.13 are right):
        // 1x1 convs take a plain-layout copy, at most 256 channels at 8x8 here. The bug is oneDNN's, a
        // CPU library, and GPUs get plain batches anyway (DeviceNormalizer), so they skip the copy.
        if (oneByOne && !input.getDevice().isGpu()) {
            return super.forwardInternal(parameterStore, new NDList(MemoryLayout.plain(input)), training, params);
        }
        return super.forwardInternal(parameterStore, inputs, training, params);
    }

    /**
     * A conv that makes one output pixel is a matrix product over the (channel, row, column) its
     * window reads: images x taps^T. oneDNN's convolutions spent most of a bf16 step in
     * the weight gradients of exactly these convs (batch 256, 1x1 outputs: about 20 GFLOP/s on
     * AMX, 7 ms for a 1x1 512-to-512 conv, 0.1-0.3 ms as a matrix product), and a matrix product
     * needs no weight reorder into a blocked layout. Both reshapes copy where the layout asks (the
     * taps are a strided slice, a channels-last input is flattened in NCHW order) and autograd
     * records them, so gradients reach the full kernel as before. No channels-last conv either, so
     * libtorch 2.7.1's wrong channels-last 1x1 convs to 512 channels (ResNet18) are not met.
     */
    static NDArray asMatrixProduct(NDArray input, NDArray taps, NDArray shift) {
        long images = input.getShape().get(0);
        long filters = taps.getShape().get(0);
        NDArray product = input.reshape(images, -1).matMul(taps.reshape(filters, -1).transpose());
        return (shift == null ? product : product.add(shift)).reshape(images, filters, 1, 1);
    }
}
