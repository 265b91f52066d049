package dev.resnetservice.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Random crop after zero padding by {@code crop} pixels, then a horizontal flip with probability
 * 0.5 (torchvision's RandomCrop(32, padding) + RandomHorizontalFlip), decided per image. DJL's
 * RandomFlipLeftRight does nothing in 0.36, hence this.
 *
 * <p>The decisions are a pure function of (seed, epoch, batch), like {@link BatchSampler}'s order,
 * so a resumed job draws exactly what it would have drawn. They become one gather index, built on
 * the host while the previous step runs; the device then does a single gather per batch.
 */
public record Augmentation(int crop, boolean flip) {

    public static final int MAX_CROP = 16;
    private static final int SIDE = ImageStore.WIDTH;
    private static final int PLANE = SIDE * SIDE;

    public Augmentation {
        if (crop < 0 || crop > MAX_CROP) {
            throw new IllegalArgumentException("crop must be between 0 and " + MAX_CROP + ", got " + crop);
        }
    }

    public static Augmentation none() {
        return new Augmentation(0, false);
    }

    public boolean isIdentity() {
        return crop == 0 && !flip;
    }

    /** What happens to one image: the crop window's offset in the padded image, and the flip. */
    public record Decision(int dx, int dy, boolean flipped) {
    }

    /** This augmentation's draws for one epoch of one job. */
    public EpochDraws draws(long seed, int epoch) {
        return new EpochDraws(this, seed, epoch);
    }

    /** An epoch's augmentation, batch by batch. */
    public record EpochDraws(Augmentation augmentation, long seed, int epoch) {

        /** The gather index for batch {@code batch} of {@code count} images; null when nothing changes. */
        public long[] gatherIndex(int batch, int count) {
            return augmentation.isIdentity() ? null
                    : Augmentation.gatherIndex(augmentation.draw(seed, epoch, batch, count), augmentation.crop());
        }
    }

    /** The decisions for the {@code count} images of one batch. */
    public Decision[] draw(long seed, int epoch, int batch, int count) {
        SplittableRandom random = new SplittableRandom(seed ^ (epoch * 0x9E3779B97F4A7C15L) ^ (batch * 0xC2B2AE3D27D4EB4FL));
        Decision[] decisions = new Decision[count];
        for (int i = 0; i < count; i++) {
            int dx = random.nextInt(2 * crop + 1);
            int dy = random.nextInt(2 * crop + 1);
            decisions[i] = new Decision(dx, dy, flip && random.nextBoolean());
        }
        return decisions;
    }

    /**
     * For every output pixel (per image, row-major), which input pixel it takes: y * 32 + x of the
     * original, or {@value #PLANE} for the zero padding.
     */
    public static long[] gatherIndex(Decision[] decisions, int crop) {
        long[] index = new long[decisions.length * PLANE];
        for (int n = 0; n < decisions.length; n++) {
            Decision d = decisions[n];
            for (int y = 0; y < SIDE; y++) {
                int sy = y + d.dy() - crop;
                for (int x = 0; x < SIDE; x++) {
                    int sx = (d.flipped() ? SIDE - 1 - x : x) + d.dx() - crop;
                    boolean inside = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE;
                    index[n * PLANE + y * SIDE + x] = inside ? sy * SIDE + sx : PLANE;
                }
            }
        }
        return index;
    }

    /**
     * Applies a {@link #gatherIndex} to a uint8 NCHW batch on its device: every channel of an image
     * takes the same pixels; index {@value #PLANE} reads a zero appended to each image plane.
     */
    public static NDArray apply(NDArray images, long[] gatherIndex, NDManager manager) {
        long count = images.getShape().get(0);
        NDArray planes = images.reshape(count, ImageStore.CHANNELS, PLANE);
        NDArray padded = planes.concat(manager.zeros(new Shape(count, ImageStore.CHANNELS, 1), DataType.UINT8), 2);
        NDArray index = manager.create(gatherIndex, new Shape(count, 1, PLANE)).repeat(1, ImageStore.CHANNELS);
        return padded.gather(index, 2).reshape(images.getShape());
    }
}
