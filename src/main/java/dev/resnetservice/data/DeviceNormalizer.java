package dev.resnetservice.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Turns a uint8 NCHW batch into the network's input where it lies (on the GPU when there is
 * one): (x / 255 - mean) / std computed as x * scale - shift, one multiply and one subtract.
 *
 * <p>On the CPU, batches of {@value #CHANNELS_LAST_FROM} images or more are laid out
 * channels-last (NCHW shape, NHWC in memory). libtorch's convolutions follow their input's
 * layout, so the whole network then runs in the layout oneDNN computes in, without a reorder per
 * convolution: the seed step's forward took 72-86 ms instead of 98-110 here, a batch-64 forward
 * 19 instead of 23 ms; at batch 1 and 16 the plain layout was 5-12 % faster (docs/performance.md).
 * GPUs keep the plain layout the seed was measured with.
 */
public final class DeviceNormalizer {

    /** The smallest batch laid out channels-last on the CPU: the crossover lay between 16 and 64. */
    public static final int CHANNELS_LAST_FROM = 32;

    private final NDArray scale;
    private final NDArray shift;
    private final boolean channelsLast;

    /** @param manager owns the two constants; its device is where batches are normalised */
    public DeviceNormalizer(Normalization normalization, NDManager manager) {
        float[] scales = new float[3];
        float[] shifts = new float[3];
        for (int c = 0; c < 3; c++) {
            scales[c] = (float) (1.0 / (255.0 * normalization.std().get(c)));
            shifts[c] = (float) (normalization.mean().get(c) / normalization.std().get(c));
        }
        this.scale = manager.create(scales, new Shape(1, 3, 1, 1));
        this.shift = manager.create(shifts, new Shape(1, 3, 1, 1));
        this.channelsLast = !manager.getDevice().isGpu();
    }

    /**
     * {@code count} CHW uint8 images from {@code pixels} (a direct buffer, read from its position)
     * as a normalised float32 NCHW array in {@code manager}, on its device.
     */
    public NDArray images(ByteBuffer pixels, int count, NDManager manager) {
        return images(pixels, count, null, manager);
    }

    /**
     * {@code count} CHW float32 images a client already normalised, from {@code values} (a direct
     * buffer), in {@code manager} on its device, laid out as {@link #images} lays out its batches.
     */
    public NDArray normalized(FloatBuffer values, int count, NDManager manager) {
        NDArray images = manager.create(values,
                new Shape(count, ImageStore.CHANNELS, ImageStore.HEIGHT, ImageStore.WIDTH));
        if (channelsLast && count >= CHANNELS_LAST_FROM) {
            try (NDManager scratch = manager.newSubManager()) {
                images.attach(scratch);
                NDArray laidOut = MemoryLayout.channelsLast(images);
                laidOut.attach(manager);
                return laidOut;
            }
        }
        return images;
    }

    /** The same, with an {@link Augmentation#gatherIndex} applied on the device first (null for none). */
    public NDArray images(ByteBuffer pixels, int count, long[] gatherIndex, NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray uint8 = scratch.create(pixels,
                    new Shape(count, ImageStore.CHANNELS, ImageStore.HEIGHT, ImageStore.WIDTH), DataType.UINT8);
            if (gatherIndex != null) {
                uint8 = Augmentation.apply(uint8, gatherIndex, scratch);
            }
            if (channelsLast && count >= CHANNELS_LAST_FROM) {
                uint8 = MemoryLayout.channelsLast(uint8);
            }
            // The conversion and the in-place arithmetic keep the layout.
            NDArray images = uint8.toType(DataType.FLOAT32, false).muli(scale).subi(shift);
            images.attach(manager);
            return images;
        }
    }
}
