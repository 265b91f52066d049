package dev.resnetservice.testdata;

import dev.resnetservice.data.ImageStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Images for upload tests: a data set's record as a picture, and PNG bytes. */
public final class TestImages {

    private TestImages() {
    }

    /** The record at {@code index} (CHW bytes) as a 32x32 RGB image. */
    public static BufferedImage record(ImageStore store, int index) {
        byte[] chw = store.image(index);
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int p = y * 32 + x;
                image.setRGB(x, y, (chw[p] & 0xff) << 16 | (chw[1024 + p] & 0xff) << 8 | (chw[2048 + p] & 0xff));
            }
        }
        return image;
    }

    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
