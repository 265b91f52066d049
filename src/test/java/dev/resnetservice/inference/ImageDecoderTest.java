package dev.resnetservice.inference;

import static dev.resnetservice.testdata.TestImages.solid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.TestImages;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(4096L * 4096, 16384);

    @Test
    void keeps32x32PngPixelExactInChwOrder() {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8 | (x + y * 32) % 256);
            }
        }
        image.setRGB(0, 0, 0x0A141E);
        image.setRGB(1, 0, 0x28323C);

        DecodedImage decoded = decoder.decode("exact.png", encode(image, "png"));

        assertFalse(decoded.resized());
        assertEquals("exact.png", decoded.file());
        assertEquals(32, decoded.width());
        assertEquals(32, decoded.height());
        byte[] p = decoded.pixels();
        assertEquals(3 * 32 * 32, p.length);
        assertEquals(10, p[0] & 255, "R of (0,0)");
        assertEquals(20, p[1024] & 255, "G of (0,0)");
        assertEquals(30, p[2048] & 255, "B of (0,0)");
        assertEquals(40, p[1] & 255, "R of (1,0)");
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(image.getRGB(x, y) & 0xFFFFFF, rgbAt(decoded, x, y), "pixel (" + x + "," + y + ")");
            }
        }
    }

    @Test
    void downscalesUniform64x64PngToTheSameColour() {
        DecodedImage decoded = decoder.decode("big.png", encode(solid(64, 64, 0x336699), "png"));

        assertTrue(decoded.resized());
        assertEquals(64, decoded.width());
        assertEquals(64, decoded.height());
        assertUniform(0x336699, 0, decoded);
    }

    @Test
    void downscalesByAveragingTheAreaEachPixelCovers() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, x % 2 == 0 ? 0xFFFFFF : 0x000000); // 1-pixel stripes
            }
        }
        assertUniform(0x808080, 0, decoder.decode("stripes.png", encode(image, "png")));
    }

    @Test
    void decodesJpeg() {
        DecodedImage decoded = decoder.decode("photo.jpg", encode(solid(48, 40, 0x3366CC), "jpeg"));

        assertTrue(decoded.resized());
        assertEquals(48, decoded.width());
        assertUniform(0x3366CC, 3, decoded); // lossy
    }

    @Test
    void decodesBmp() {
        assertUniform(0xC08040, 0, decoder.decode("paint.bmp", encode(solid(32, 32, 0xC08040), "bmp")));
    }

    @Test
    void decodesGif() {
        assertUniform(0x10E070, 0, decoder.decode("anim.gif", encode(solid(40, 40, 0x10E070), "gif")));
    }

    @Test
    void decodesOnlyTheFirstFrameOfAnAnimatedGif() {
        byte[] gif = animatedGif(solid(32, 32, 0xFF0000), solid(32, 32, 0x0000FF));

        assertUniform(0xFF0000, 0, decoder.decode("anim.gif", gif));
    }

    @Test
    void turnsGreyPngIntoEqualRgb() {
        BufferedImage grey = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        fill(grey, 128);

        assertUniform(0x808080, 0, decoder.decode("grey.png", encode(grey, "png")));
    }

    @Test
    void turnsSixteenBitGreyPngIntoEightBitRgb() {
        BufferedImage grey = new BufferedImage(32, 32, BufferedImage.TYPE_USHORT_GRAY);
        fill(grey, 128 * 257);

        assertUniform(0x808080, 0, decoder.decode("grey16.png", encode(grey, "png")));
    }

    @Test
    void keepsTheGreyLevelOfGreyWithAlphaPng() {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
                true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        BufferedImage image = new BufferedImage(model, model.createCompatibleWritableRaster(32, 32), false, null);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                image.getRaster().setPixel(x, y, new int[] {128, 255});
            }
        }
        assertUniform(0x808080, 0, decoder.decode("grey-alpha.png", encode(image, "png")));
    }

    @Test
    void turnsPalettePngIntoItsColours() {
        byte[] r = {0, (byte) 200};
        byte[] g = {0, 100};
        byte[] b = {0, 50};
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b));
        fill(image, 1);
        image.getRaster().setSample(0, 0, 0, 0);

        DecodedImage decoded = decoder.decode("palette.png", encode(image, "png"));

        assertEquals(0x000000, rgbAt(decoded, 0, 0));
        assertEquals(0xC86432, rgbAt(decoded, 1, 0));
        assertEquals(0xC86432, rgbAt(decoded, 31, 31));
    }

    @Test
    void laysTransparentPixelsOverWhite() {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0xFF102030); // opaque
        image.setRGB(1, 0, 0x00000000); // fully transparent
        image.setRGB(2, 0, 0x80000000); // half-transparent black

        DecodedImage decoded = decoder.decode("alpha.png", encode(image, "png"));

        assertEquals(0x102030, rgbAt(decoded, 0, 0));
        assertEquals(0xFFFFFF, rgbAt(decoded, 1, 0));
        assertEquals(0x7F7F7F, rgbAt(decoded, 2, 0));
    }

    @Test
    void acceptsAndEnlargesA1x1Image() {
        DecodedImage decoded = decoder.decode("dot.png", encode(solid(1, 1, 0xABCDEF), "png"));

        assertTrue(decoded.resized());
        assertEquals(1, decoded.width());
        assertEquals(1, decoded.height());
        assertUniform(0xABCDEF, 0, decoded);
    }

    @Test
    void rejectsEmptyFileWith400() {
        assertRejected(400, "empty.png", decoder, new byte[0]);
    }

    @Test
    void rejectsTextNamedPngWith415() {
        assertRejected(415, "x.png", decoder, "hello, I am no picture\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsTruncatedPngWith415() {
        byte[] png = encode(noise(64, 64, 1), "png");

        assertRejected(415, "half.png", decoder, Arrays.copyOf(png, png.length / 2));
    }

    @Test
    void rejectsRandomBytesNamedJpgWith415() {
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);

        assertRejected(415, "x.jpg", decoder, bytes);
    }

    @Test
    void rejectsPngHeaderClaiming60000x60000PixelsBeforeDecoding() {
        byte[] header = pngHeader(60_000, 60_000);

        ImageRejectedException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertRejected(413, "huge.png", decoder, header));
        assertEquals("huge.png: 60000x60000 pixels is more than the limit of 16777216 (resnet.predict.max-pixels)",
                e.getMessage());
    }

    @Test
    void rejectsImageJustOverTheLimitWith413() {
        ImageDecoder small = new ImageDecoder(1000, 16384);

        assertRejected(413, "40.png", small, encode(solid(40, 40, 0), "png"));
        assertEquals(32, small.decode("31.png", encode(solid(31, 32, 0), "png")).height(), "992 pixels fit");
    }

    @Test
    void rejectsCorruptedFilesOnlyWithProblems() {
        Random random = new Random(11);
        for (String format : new String[] {"png", "jpeg", "bmp", "gif"}) {
            byte[] original = encode(noise(24, 20, 3), format);
            for (int i = 0; i < 200; i++) {
                byte[] bytes = original.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                String file = "corrupt-" + i + "." + format;
                try {
                    assertEquals(DecodedImage.LENGTH, decoder.decode(file, bytes).pixels().length);
                } catch (ImageRejectedException e) {
                    assertTrue(e.status() == 415 || e.status() == 413, file + ": status " + e.status());
                    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                }
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private static ImageRejectedException assertRejected(int status, String file, ImageDecoder decoder, byte[] bytes) {
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> decoder.decode(file, bytes));
        assertEquals(status, e.status());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertEquals(null, e.field());
        return e;
    }

    private static void assertUniform(int rgb, int tolerance, DecodedImage decoded) {
        byte[] p = decoded.pixels();
        for (int c = 0; c < 3; c++) {
            int expected = (rgb >> (16 - 8 * c)) & 255;
            for (int i = 0; i < 1024; i++) {
                int actual = p[c * 1024 + i] & 255;
                assertTrue(Math.abs(actual - expected) <= tolerance,
                        "channel " + c + " pixel " + i + ": " + actual + ", expected " + expected);
            }
        }
    }

    private static int rgbAt(DecodedImage decoded, int x, int y) {
        byte[] p = decoded.pixels();
        int i = y * 32 + x;
        return (p[i] & 255) << 16 | (p[1024 + i] & 255) << 8 | (p[2048 + i] & 255);
    }

    private static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static void fill(BufferedImage image, int sample) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.getRaster().setSample(x, y, 0, sample);
            }
        }
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(image, format, out), "no " + format + " writer for this image");
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] animatedGif(BufferedImage... frames) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The PNG signature and a valid IHDR chunk (8-bit RGB), then nothing: a header that promises a huge image. */
    private static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17)
                .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})
                .putInt(13)
                .put(ihdr.array())
                .putInt((int) crc.getValue())
                .array();
    }

    @Test
    void aSixteenMillionPixelWideLineIsRefusedFromItsHeader() {
        byte[] wide = TestImages.blackPng16(16_777_216, 1);
        assertTrue(wide.length < 200_000, "a cheap upload: " + wide.length + " bytes");
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> decoder.decode("line.png", wide));
        assertEquals(413, e.status());
        assertTrue(e.getMessage().startsWith("line.png: 16777216x1 pixels has a side longer than the limit of 16384"),
                e.getMessage());
    }

    @Test
    void largeImagesAreDecodedSubsampledAndKeepTheirColour() {
        assertEquals(1, ImageDecoder.subsampling(1023));
        assertEquals(2, ImageDecoder.subsampling(1024));
        assertEquals(32, ImageDecoder.subsampling(16384));
        DecodedImage wide = decoder.decode("wide.png", TestImages.blackPng16(16384, 1024));
        assertEquals(16384, wide.width());
        assertEquals(1024, wide.height());
        for (byte value : wide.pixels()) {
            assertEquals((byte) 255, value, "fully transparent, so laid over white");
        }
        DecodedImage grey = decoder.decode("grey.png", encode(solid(3000, 2000, 0x808080), "png"));
        for (byte value : grey.pixels()) {
            assertEquals((byte) 0x80, value);
        }
    }
}
