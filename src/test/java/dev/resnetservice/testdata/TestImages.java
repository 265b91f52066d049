package dev.resnetservice.testdata;

import dev.resnetservice.data.ImageStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
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

    /** A record's CHW bytes in the HWC order (rows of RGB pixels) a camera or PIL gives, as OIP's pixels input takes. */
    public static byte[] hwc(byte[] chw) {
        int plane = ImageStore.HEIGHT * ImageStore.WIDTH;
        byte[] hwc = new byte[chw.length];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < ImageStore.CHANNELS; c++) {
                hwc[p * ImageStore.CHANNELS + c] = chw[c * plane + p];
            }
        }
        return hwc;
    }

    /** Every image of {@code store} as PNG bytes, in order. */
    public static List<byte[]> pngs(ImageStore store) {
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < store.size(); i++) {
            pngs.add(png(record(store, i)));
        }
        return pngs;
    }

    /**
     * A black 16-bit RGBA PNG of any size, written row by row (a 16,777,216 x 1 one is 130 KB):
     * the cheap upload that costs a decoder width x 8 bytes per row.
     */
    public static byte[] blackPng16(int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 16).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(data, new Deflater(Deflater.BEST_COMPRESSION))) {
            byte[] zeros = new byte[1 << 16];
            long rowBytes = 1 + 8L * width; // filter byte, then width pixels of 8 bytes
            for (long left = rowBytes * height; left > 0; left -= zeros.length) {
                deflate.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        chunk(png, "IDAT", data.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] content) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(content);
        png.writeBytes(ByteBuffer.allocate(4).putInt(content.length).array());
        png.writeBytes(name);
        png.writeBytes(content);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
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
