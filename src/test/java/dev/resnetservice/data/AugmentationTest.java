package dev.resnetservice.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.resnetservice.data.Augmentation.Decision;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int PLANE = 32 * 32;
    private final NDManager manager = NDManager.newBaseManager("PyTorch");

    @AfterEach
    void close() {
        manager.close();
    }

    /** Pixel (c, y, x) of image n: distinct, never 0, so padding is recognisable. */
    private static int value(int n, int c, int y, int x) {
        return 1 + (n * 31 + c * 67 + y * 7 + x) % 250;
    }

    private static byte[] images(int count) {
        byte[] chw = new byte[count * 3 * PLANE];
        for (int n = 0; n < count; n++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        chw[((n * 3 + c) * 32 + y) * 32 + x] = (byte) value(n, c, y, x);
                    }
                }
            }
        }
        return chw;
    }

    private byte[] augment(byte[] chw, long[] gatherIndex) {
        int count = chw.length / (3 * PLANE);
        NDArray batch = manager.create(chw, new Shape(count, 3, 32, 32)).toType(DataType.UINT8, false);
        return Augmentation.apply(batch, gatherIndex, manager).toByteArray();
    }

    private static int at(byte[] out, int n, int c, int y, int x) {
        return out[((n * 3 + c) * 32 + y) * 32 + x] & 0xff;
    }

    @Test
    void cropTakesTheWindowOfTheZeroPaddedImage() {
        // Padding 4, window at (dx 1, dy 6) of the 40x40 padded image: out(y, x) = in(y + 2, x - 3).
        byte[] out = augment(images(1), Augmentation.gatherIndex(new Decision[] {new Decision(1, 6, false)}, 4));
        assertEquals(0, at(out, 0, 0, 0, 0));                       // left padding
        assertEquals(value(0, 0, 2, 0), at(out, 0, 0, 0, 3));
        assertEquals(value(0, 1, 31, 28), at(out, 0, 1, 29, 31));
        assertEquals(value(0, 2, 12, 20), at(out, 0, 2, 10, 23));
        assertEquals(0, at(out, 0, 2, 30, 10));                     // bottom padding
        assertEquals(0, at(out, 0, 1, 31, 31));
    }

    @Test
    void flipMirrorsTheCroppedImage() {
        // The window centred (dx = dy = crop) is the image itself; flipped, out(y, x) = in(y, 31 - x).
        byte[] out = augment(images(1), Augmentation.gatherIndex(new Decision[] {new Decision(4, 4, true)}, 4));
        for (int c = 0; c < 3; c++) {
            assertEquals(value(0, c, 0, 31), at(out, 0, c, 0, 0));
            assertEquals(value(0, c, 17, 0), at(out, 0, c, 17, 31));
            assertEquals(value(0, c, 5, 19), at(out, 0, c, 5, 12));
        }
        // Crop then flip, as torchvision's RandomCrop followed by RandomHorizontalFlip.
        out = augment(images(1), Augmentation.gatherIndex(new Decision[] {new Decision(0, 4, true)}, 4));
        assertEquals(value(0, 0, 9, 27), at(out, 0, 0, 9, 0));      // out(y, x) = in(y, 31 - x - 4)
        assertEquals(0, at(out, 0, 0, 9, 31));
    }

    @Test
    void seededDrawsGiveExactlyThePixelsTheirDecisionsMean() {
        Augmentation augmentation = new Augmentation(4, true);
        Decision[] decisions = augmentation.draw(0, 3, 5, 6);
        assertArrayEquals(decisions, augmentation.draw(0, 3, 5, 6));
        byte[] out = augment(images(6), augmentation.draws(0, 3).gatherIndex(5, 6));
        for (int n = 0; n < 6; n++) {
            Decision d = decisions[n];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int sy = y + d.dy() - 4;
                        int sx = (d.flipped() ? 31 - x : x) + d.dx() - 4;
                        int expected = sy < 0 || sy > 31 || sx < 0 || sx > 31 ? 0 : value(n, c, sy, sx);
                        assertEquals(expected, at(out, n, c, y, x), "image " + n + " " + d + " at " + c + "," + y + "," + x);
                    }
                }
            }
        }
    }

    @Test
    void decisionsArePerImageAndChangeWithEpochAndBatch() {
        Augmentation augmentation = new Augmentation(4, true);
        Decision[] batch = augmentation.draw(0, 1, 0, 64);
        assertTrue(Arrays.stream(batch).map(Decision::dx).distinct().count() > 5, Arrays.toString(batch));
        assertTrue(Arrays.stream(batch).map(Decision::dy).distinct().count() > 5, Arrays.toString(batch));
        long flipped = Arrays.stream(batch).filter(Decision::flipped).count();
        assertTrue(flipped > 16 && flipped < 48, flipped + " of 64 flipped");
        assertNotEquals(Arrays.asList(batch), Arrays.asList(augmentation.draw(0, 2, 0, 64)));
        assertNotEquals(Arrays.asList(batch), Arrays.asList(augmentation.draw(0, 1, 1, 64)));
        assertNotEquals(Arrays.asList(batch), Arrays.asList(augmentation.draw(1, 1, 0, 64)));
    }

    @Test
    void noCropAndNoFlipIsTheIdentity() {
        Augmentation none = new Augmentation(0, false);
        assertTrue(none.isIdentity());
        assertNull(none.draws(0, 1).gatherIndex(0, 4));
        byte[] in = images(4);
        assertArrayEquals(in, augment(in, Augmentation.gatherIndex(none.draw(0, 1, 0, 4), 0)));
    }
}
