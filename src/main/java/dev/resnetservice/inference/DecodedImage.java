package dev.resnetservice.inference;

/**
 * One upload as the model sees it: {@code pixels} holds {@link #LENGTH} unsigned bytes in the
 * CIFAR-10 record layout (CHW: all red, then all green, then all blue, each 32 rows of 32).
 * {@code width} and {@code height} are the original size; {@code resized} says it was not 32x32.
 */
public record DecodedImage(String file, byte[] pixels, boolean resized, int width, int height) {

    public static final int SIDE = 32;
    public static final int LENGTH = 3 * SIDE * SIDE;

    public DecodedImage {
        if (pixels.length != LENGTH) {
            throw new IllegalArgumentException("pixels: " + pixels.length + " bytes, expected " + LENGTH);
        }
    }
}
