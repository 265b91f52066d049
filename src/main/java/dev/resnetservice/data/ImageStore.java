package dev.resnetservice.data;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Images and labels of one split in two contiguous byte arrays, CHW order per image as in the
 * CIFAR-10 files: no object per image, so 60,000 images cost 184 MB and gathering a batch is a
 * run of array copies.
 */
public final class ImageStore {

    public static final int CHANNELS = 3;
    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    public static final int IMAGE_BYTES = CHANNELS * HEIGHT * WIDTH;

    private final byte[] pixels;
    private final byte[] labels;
    private final int size;

    public ImageStore(byte[] pixels, byte[] labels) {
        this(pixels, labels, labels.length);
    }

    private ImageStore(byte[] pixels, byte[] labels, int size) {
        if (pixels.length != labels.length * IMAGE_BYTES) {
            throw new IllegalArgumentException(
                    "pixels hold " + pixels.length + " bytes, expected " + labels.length * IMAGE_BYTES);
        }
        this.pixels = pixels;
        this.labels = labels;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public int label(int index) {
        return Byte.toUnsignedInt(labels[checkIndex(index)]);
    }

    /** The first {@code n} images (all of them when n is null or larger), sharing this store's arrays. */
    public ImageStore first(Integer n) {
        return n == null || n >= size ? this : new ImageStore(pixels, labels, Math.max(n, 0));
    }

    /** A copy of the image at {@code index} (CHW uint8). */
    public byte[] image(int index) {
        int from = checkIndex(index) * IMAGE_BYTES;
        return Arrays.copyOfRange(pixels, from, from + IMAGE_BYTES);
    }

    /** Copies the image at {@code index} into {@code out} (CHW uint8). */
    public void copyImage(int index, ByteBuffer out) {
        out.put(pixels, checkIndex(index) * IMAGE_BYTES, IMAGE_BYTES);
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("image " + index + " of " + size);
        }
        return index;
    }
}
