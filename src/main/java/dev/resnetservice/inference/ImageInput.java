package dev.resnetservice.inference;

import dev.resnetservice.data.ImageStore;

/**
 * One image as the network takes it, CHW 32x32: uint8 pixels that the served model normalises
 * with its own statistics, or float32 values a client already normalised with them.
 */
public record ImageInput(byte[] pixels, float[] normalized) {

    public ImageInput {
        if ((pixels == null) == (normalized == null)) {
            throw new IllegalArgumentException("an image is either pixels or normalised values, not both or neither");
        }
        int length = pixels != null ? pixels.length : normalized.length;
        if (length != ImageStore.IMAGE_BYTES) {
            throw new IllegalArgumentException("an image has " + ImageStore.IMAGE_BYTES + " values, got " + length);
        }
    }

    public static ImageInput pixels(byte[] chw) {
        return new ImageInput(chw, null);
    }

    public static ImageInput normalized(float[] chw) {
        return new ImageInput(null, chw);
    }

    public boolean isNormalized() {
        return normalized != null;
    }
}
