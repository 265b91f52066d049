package dev.resnetservice.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceNormalizerTest {

    private static final int COUNT = DeviceNormalizer.CHANNELS_LAST_FROM;

    @Test
    void normalisesEveryPixelWithItsChannelsStatistics() {
        byte[] pixels = randomPixels();
        Normalization cifar = Normalization.cifar10();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray images = new DeviceNormalizer(cifar, manager).images(direct(pixels), COUNT, manager);
            assertEquals(new Shape(COUNT, 3, 32, 32), images.getShape());
            float[] values = images.toFloatArray();
            for (int i = 0; i < pixels.length; i++) {
                int channel = i / 1024 % 3;
                double expected = ((pixels[i] & 0xff) / 255.0 - cifar.mean().get(channel)) / cifar.std().get(channel);
                assertEquals(expected, values[i], 1e-5, "value " + i);
            }
        }
    }

    @Test
    void laysCpuBatchesOutChannelsLast() throws ReflectiveOperationException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray images = new DeviceNormalizer(Normalization.cifar10(), manager)
                    .images(direct(randomPixels()), COUNT, manager);
            assertFalse(contiguous(images), "not NCHW in memory");
            assertTrue(contiguous(images.transpose(0, 2, 3, 1)), "NHWC in memory");
        }
    }

    @Test
    void keepsSmallerBatchesPlain() throws ReflectiveOperationException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray images = new DeviceNormalizer(Normalization.cifar10(), manager)
                    .images(direct(randomPixels()), 16, manager);
            assertEquals(new Shape(16, 3, 32, 32), images.getShape());
            assertTrue(contiguous(images), "NCHW in memory");
        }
    }

    private static byte[] randomPixels() {
        byte[] pixels = new byte[COUNT * ImageStore.IMAGE_BYTES];
        new Random(7).nextBytes(pixels);
        return pixels;
    }

    private static ByteBuffer direct(byte[] pixels) {
        return ByteBuffer.allocateDirect(pixels.length).put(pixels).flip();
    }

    /** libtorch's own is_contiguous, which DJL keeps package-private. */
    private static boolean contiguous(NDArray array) throws ReflectiveOperationException {
        Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
        Field instance = library.getDeclaredField("LIB");
        instance.setAccessible(true);
        Method isContiguous = library.getDeclaredMethod("torchIsContiguous", long.class);
        isContiguous.setAccessible(true);
        return (boolean) isContiguous.invoke(instance.get(null), ((PtNDArray) array).getHandle());
    }
}
