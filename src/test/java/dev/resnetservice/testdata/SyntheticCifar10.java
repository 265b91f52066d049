package dev.resnetservice.testdata;

import dev.resnetservice.data.Cifar10Reader;
import dev.resnetservice.data.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a tiny CIFAR-10 look-alike in the real binary format. Each class has its own background
 * colour and an 8x8 white square at its own place, under +-20 uniform noise, so a small CNN
 * learns it to over 90 % test accuracy in a couple of epochs. Labels are i % 10, so every
 * prefix of a split is balanced.
 */
public final class SyntheticCifar10 {

    private static final int[][] BACKGROUNDS = {
        {220, 40, 40}, {40, 200, 40}, {40, 60, 220}, {220, 220, 40}, {200, 40, 200},
        {40, 200, 210}, {128, 128, 128}, {240, 140, 20}, {100, 30, 150}, {20, 20, 20},
    };
    private static final int SQUARE = 8;
    private static final int SQUARE_VALUE = 255;
    private static final int NOISE = 20;
    private static final int PLANE = ImageStore.HEIGHT * ImageStore.WIDTH;

    private SyntheticCifar10() {
    }

    /**
     * Writes data_batch_1..5.bin (the train records in five contiguous chunks, in order),
     * test_batch.bin and batches.meta.txt into {@code folder}, creating it; returns the folder.
     */
    public static Path write(Path folder, int trainCount, int testCount, long seed) {
        if (trainCount < Cifar10Reader.TRAIN_FILES.size() || testCount < 1) {
            throw new IllegalArgumentException("need trainCount >= 5 (one record per train file) and testCount >= 1, got "
                    + trainCount + " and " + testCount);
        }
        SplittableRandom random = new SplittableRandom(seed);
        return writeRecords(folder, records(0, trainCount, random), records(0, testCount, random),
                Cifar10Reader.STANDARD_CLASSES);
    }

    /**
     * Writes records (label byte, 3,072 CHW pixel bytes each) in CIFAR-10's layout: the train
     * records in five contiguous files, the test file and the class names; returns the folder.
     */
    public static Path writeRecords(Path folder, byte[] train, byte[] test, List<String> classes) {
        int trainCount = train.length / Cifar10Reader.RECORD_BYTES;
        try {
            Files.createDirectories(folder);
            int files = Cifar10Reader.TRAIN_FILES.size();
            for (int f = 0; f < files; f++) {
                int from = (int) ((long) trainCount * f / files) * Cifar10Reader.RECORD_BYTES;
                int to = (int) ((long) trainCount * (f + 1) / files) * Cifar10Reader.RECORD_BYTES;
                Files.write(folder.resolve(Cifar10Reader.TRAIN_FILES.get(f)), Arrays.copyOfRange(train, from, to));
            }
            Files.write(folder.resolve(Cifar10Reader.TEST_FILE), test);
            Files.writeString(folder.resolve(Cifar10Reader.META_FILE), String.join("\n", classes) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }

    private static byte[] records(int from, int to, SplittableRandom random) {
        byte[] bytes = new byte[(to - from) * Cifar10Reader.RECORD_BYTES];
        for (int i = from; i < to; i++) {
            int label = i % BACKGROUNDS.length;
            int at = (i - from) * Cifar10Reader.RECORD_BYTES;
            bytes[at] = (byte) label;
            image(label, random, bytes, at + 1);
        }
        return bytes;
    }

    private static void image(int label, SplittableRandom random, byte[] out, int offset) {
        int left = (label % 5) * 6;
        int top = (label / 5) * 16 + 4;
        for (int c = 0; c < ImageStore.CHANNELS; c++) {
            for (int y = 0; y < ImageStore.HEIGHT; y++) {
                for (int x = 0; x < ImageStore.WIDTH; x++) {
                    boolean inSquare = x >= left && x < left + SQUARE && y >= top && y < top + SQUARE;
                    int value = (inSquare ? SQUARE_VALUE : BACKGROUNDS[label][c]) + random.nextInt(-NOISE, NOISE + 1);
                    out[offset + c * PLANE + y * ImageStore.WIDTH + x] = (byte) Math.max(0, Math.min(255, value));
                }
            }
        }
    }
}
