package dev.resnetservice.inference;

import static dev.resnetservice.inference.DecodedImage.SIDE;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns an uploaded file into a 32x32 RGB image in the CIFAR-10 layout, refusing what is empty,
 * not an image, or too large before its pixels are decoded. Holds no mutable state: one instance
 * serves every request thread.
 */
public final class ImageDecoder {

    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp", "gif");
    private static final int PLANE = SIDE * SIDE;

    /**
     * Larger images are decoded subsampled (every 2nd, 3rd... pixel, by ImageIO as it reads) to at most
     * twice this on a side: a 16384x1024 image then needs 2 MB instead of 128 MB of rows, and the
     * 32x32 result still averages at least 16x16 samples per pixel.
     */
    static final int DECODE_SIDE = 512;

    private final long maxPixels;
    private final int maxSide;

    public ImageDecoder(long maxPixels, int maxSide) {
        if (maxPixels <= 0 || maxSide <= 0) {
            throw new IllegalArgumentException("maxPixels and maxSide must be positive, were " + maxPixels + ", " + maxSide);
        }
        this.maxPixels = maxPixels;
        this.maxSide = maxSide;
    }

    /** Decodes any PNG, JPEG, BMP or GIF into a 32x32 RGB image. */
    public DecodedImage decode(String fileName, byte[] bytes) {
        Objects.requireNonNull(fileName, "fileName");
        if (bytes == null || bytes.length == 0) {
            throw ImageRejectedException.empty(fileName);
        }
        Read read = read(fileName, bytes);
        return new DecodedImage(fileName, resample(read.image()), read.width() != SIDE || read.height() != SIDE,
                read.width(), read.height());
    }

    /** Every n-th pixel along a side of this length, so that what is decoded stays under twice DECODE_SIDE. */
    static int subsampling(int side) {
        return Math.max(1, side / DECODE_SIDE);
    }

    /** The decoded pixels, and the size the file's header gave. */
    private record Read(BufferedImage image, int width, int height) {
    }

    // ---- decoding -------------------------------------------------------------------------

    private Read read(String file, byte[] bytes) {
        // ImageIO.createImageInputStream would, with ImageIO's default useCache=true, copy every
        // upload into a temp file; ImageIO.setUseCache(false) would fix that for the whole JVM.
        // The bytes are in memory already, so a memory-cached stream is both cheaper and local.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(file, in);
            try {
                reader.setInput(in, true, true);
                // The header alone gives the size: a 60000x60000 PNG is refused before a pixel is allocated.
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw ImageRejectedException.notAnImage(file, width + "x" + height + " pixels is no image");
                }
                if ((long) width * height > maxPixels) {
                    throw ImageRejectedException.tooLarge(file, width, height, maxPixels);
                }
                if (width > maxSide || height > maxSide) {
                    throw ImageRejectedException.tooWide(file, width, height, maxSide);
                }
                ImageReadParam param = reader.getDefaultReadParam();
                if (subsampling(width) > 1 || subsampling(height) > 1) {
                    param.setSourceSubsampling(subsampling(width), subsampling(height), 0, 0);
                }
                return new Read(reader.read(0, param), width, height); // a GIF's first frame
            } catch (ImageRejectedException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // Plugins answer corrupt files with IIOException but also with IndexOutOfBounds,
                // IllegalArgument, NegativeArraySize...: all of them mean the file is not readable.
                ImageRejectedException rejected = ImageRejectedException.notAnImage(
                        file, "the " + formatOf(reader).toUpperCase(Locale.ROOT) + " data is corrupt or truncated");
                rejected.initCause(e);
                throw rejected;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) { // closing a memory stream; nothing was lost
            throw new IllegalStateException(e);
        }
    }

    /** The first reader of a supported format that recognises the bytes; other readers (TIFF, WBMP) are left unused. */
    private static ImageReader readerFor(String file, ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (FORMATS.contains(formatOf(reader))) {
                return reader;
            }
            reader.dispose();
        }
        throw ImageRejectedException.notAnImage(file, "not a PNG, JPEG, BMP or GIF image");
    }

    private static String formatOf(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "";
        }
    }

    // ---- conversion to opaque 8-bit RGB rows ----------------------------------------------

    /** Fills {@code rgb} with row {@code y} as opaque 8-bit RGB, one plane per channel. */
    private interface Rows {
        void read(int y, int[][] rgb);
    }

    /**
     * Reads samples straight from the raster wherever they are plain grey or RGB. Java2D's own
     * conversions (getRGB, drawImage) treat ColorSpace.CS_GRAY as linear and brighten grey
     * 128 to 188 for grey+alpha PNGs; PNG, JPEG, BMP and GIF store grey in the same gamma as
     * colour, and so does the training data (as in PIL), so grey v must become RGB (v, v, v).
     */
    private static Rows rows(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int width = image.getWidth();
        if (model instanceof IndexColorModel palette && palette.getPixelSize() <= 8) {
            int[] colours = new int[256]; // an index past a corrupt palette's end is black
            for (int i = 0; i < palette.getMapSize(); i++) {
                colours[i] = overWhite(palette.getRGB(i));
            }
            int[] samples = new int[width];
            return (y, rgb) -> {
                raster.getSamples(0, y, width, 1, 0, samples);
                for (int x = 0; x < width; x++) {
                    int p = colours[samples[x] & 0xFF];
                    rgb[0][x] = (p >> 16) & 255;
                    rgb[1][x] = (p >> 8) & 255;
                    rgb[2][x] = p & 255;
                }
            };
        }
        if (plainGreyOrRgb(model, raster)) {
            return samples(model, raster, width);
        }
        int[] argb = new int[width]; // anything else: Java2D's colour management
        return (y, rgb) -> {
            image.getRGB(0, y, width, 1, argb, 0, width);
            for (int x = 0; x < width; x++) {
                int p = overWhite(argb[x]);
                rgb[0][x] = (p >> 16) & 255;
                rgb[1][x] = (p >> 8) & 255;
                rgb[2][x] = p & 255;
            }
        };
    }

    private static boolean plainGreyOrRgb(ColorModel model, Raster raster) {
        if (!(model instanceof ComponentColorModel || model instanceof DirectColorModel)
                || model.isAlphaPremultiplied()
                || raster.getNumBands() != model.getNumComponents()) {
            return false;
        }
        int type = model.getColorSpace().getType();
        int colours = model.getNumColorComponents();
        if (!(type == ColorSpace.TYPE_GRAY && colours == 1 || type == ColorSpace.TYPE_RGB && colours == 3)) {
            return false;
        }
        for (int size : model.getComponentSize()) {
            if (size < 1 || size > 16) {
                return false;
            }
        }
        return true;
    }

    /** Grey or RGB samples of any depth up to 16 bits, with or without alpha, scaled to 8 bits. */
    private static Rows samples(ColorModel model, Raster raster, int width) {
        int bands = raster.getNumBands();
        int colours = model.getNumColorComponents();
        boolean alpha = model.hasAlpha();
        int[] max = new int[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = (1 << model.getComponentSize(b)) - 1;
        }
        int[] samples = new int[width * bands];
        return (y, rgb) -> {
            raster.getPixels(0, y, width, 1, samples);
            for (int c = 0; c < 3; c++) {
                int band = Math.min(c, colours - 1); // grey fills all three
                int[] plane = rgb[c];
                for (int x = 0, i = band; x < width; x++, i += bands) {
                    plane[x] = to8Bits(samples[i], max[band]);
                }
                if (alpha) {
                    for (int x = 0, i = colours; x < width; x++, i += bands) {
                        int a = to8Bits(samples[i], max[colours]);
                        if (a != 255) {
                            plane[x] = overWhite(plane[x], a);
                        }
                    }
                }
            }
        };
    }

    private static int to8Bits(int sample, int max) {
        return max == 255 ? sample : (sample * 255 + max / 2) / max;
    }

    /**
     * Transparent pixels are laid over white: a cut-out on a transparent background is shown on
     * white by browsers and viewers, so the model sees what the user saw (black would turn an
     * icon's surroundings into night).
     */
    private static int overWhite(int value, int alpha) {
        return (value * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    private static int overWhite(int argb) {
        int a = argb >>> 24;
        return 0xFF000000 | overWhite((argb >> 16) & 255, a) << 16 | overWhite((argb >> 8) & 255, a) << 8
                | overWhite(argb & 255, a);
    }

    // ---- resampling to 32x32 --------------------------------------------------------------

    /**
     * Area averaging in exact integer arithmetic: each target pixel is the mean of the source
     * area it covers, partial pixels weighted by their share. One pass over the rows, no copy of
     * the image, deterministic; 32x32 passes through unchanged, and smaller images (1x1) are
     * enlarged by the same rule, as blocks.
     */
    private static byte[] resample(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        Spans columns = Spans.of(width);
        Spans lines = Spans.of(height);
        Rows rows = rows(image);
        int[][] rgb = new int[3][width];
        long[] row = new long[3 * SIDE];     // one source row spread over the 32 target columns, CHW
        long[] sums = new long[3 * PLANE];
        int line = 0;
        for (int y = 0; y < height; y++) {
            rows.read(y, rgb);
            Arrays.fill(row, 0);
            for (int c = 0; c < 3; c++) {
                columns.spread(rgb[c], row, c * SIDE);
            }
            for (; line < lines.count && lines.source[line] == y; line++) {
                int dy = lines.target[line];
                long w = lines.weight[line];
                for (int c = 0; c < 3; c++) {
                    for (int dx = 0; dx < SIDE; dx++) {
                        sums[c * PLANE + dy * SIDE + dx] += row[c * SIDE + dx] * w;
                    }
                }
            }
        }
        long area = (long) width * height; // the weights under each target pixel add up to this
        byte[] pixels = new byte[3 * PLANE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((sums[i] + area / 2) / area);
        }
        return pixels;
    }

    /**
     * Along one axis of {@code size} source pixels: which target pixel each part of each source
     * pixel falls in, and how much of it. Lengths are counted in units that make a source pixel
     * 32 long and a target pixel {@code size} long, so every overlap is a whole number; entries
     * are in source order.
     */
    private record Spans(int[] source, int[] target, int[] weight, int count) {

        static Spans of(int size) {
            int capacity = size + SIDE; // the two partitions of the axis cut it into at most this many parts
            int[] source = new int[capacity];
            int[] target = new int[capacity];
            int[] weight = new int[capacity];
            int count = 0;
            for (int s = 0; s < size; s++) {
                long start = (long) s * SIDE;
                long end = start + SIDE;
                for (int t = (int) (start / size); t < SIDE && (long) t * size < end; t++) {
                    source[count] = s;
                    target[count] = t;
                    weight[count] = (int) (Math.min(end, (long) (t + 1) * size) - Math.max(start, (long) t * size));
                    count++;
                }
            }
            return new Spans(source, target, weight, count);
        }

        /** Adds {@code values} (one source line), weighted, into {@code sums[offset..offset+31]}. */
        void spread(int[] values, long[] sums, int offset) {
            // A local running sum per target pixel: adding into sums[] at every step chains each
            // addition to the previous store, which measured twice as slow on a 4096-wide row.
            int current = target[0];
            long sum = 0;
            for (int i = 0; i < count; i++) {
                if (target[i] != current) {
                    sums[offset + current] += sum;
                    current = target[i];
                    sum = 0;
                }
                sum += (long) values[source[i]] * weight[i];
            }
            sums[offset + current] += sum;
        }
    }
}
