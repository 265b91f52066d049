package dev.resnetservice.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** A stored image as the web page shows it, without another request. */
public final class PngDataUrl {

    private PngDataUrl() {
    }

    /** A CHW uint8 image as {@code data:image/png;base64,...}. */
    public static String of(byte[] chw) {
        int side = ImageStore.WIDTH;
        int plane = side * side;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < plane; p++) {
            int rgb = (chw[p] & 0xff) << 16 | (chw[plane + p] & 0xff) << 8 | (chw[2 * plane + p] & 0xff);
            image.setRGB(p % side, p / side, rgb);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        // A memory-cached stream: ImageIO.write would spool through a temp file (useCache=true).
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(png)) {
            writer.setOutput(out);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
