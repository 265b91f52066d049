package dev.resnetservice.testdata;

import dev.resnetservice.data.ImageStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Images for upload tests: a data set's record or one colour as a picture, and PNG bytes. */
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

    /** A width x height image of one colour (0xRRGGBB). */
    public static BufferedImage solid(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** Every image of {@code store} as PNG bytes, in order. */
    public static List<byte[]> pngs(ImageStore store) {
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < store.size(); i++) {
            pngs.add(png(record(store, i)));
        }
        return pngs;
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
