package dev.resnetservice.testdata;

import dev.resnetservice.data.Cifar100Reader;
import dev.resnetservice.data.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A small data set in CIFAR-100's binary layout: records of a coarse label byte (fine % 20), a fine
 * label byte (the record's index % 100) and 3,072 pixel bytes whose level follows the fine label.
 */
public final class SyntheticCifar100 {

    private SyntheticCifar100() {
    }

    public static Path write(Path folder, int trainCount, int testCount, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve(Cifar100Reader.TRAIN_FILE), records(trainCount, random));
            Files.write(folder.resolve(Cifar100Reader.TEST_FILE), records(testCount, random));
            Files.writeString(folder.resolve(Cifar100Reader.FINE_NAMES), names("fine", 100));
            Files.writeString(folder.resolve(Cifar100Reader.COARSE_NAMES), names("coarse", 20));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }

    public static int fine(int index) {
        return index % 100;
    }

    private static byte[] records(int count, SplittableRandom random) {
        int recordBytes = 2 + ImageStore.IMAGE_BYTES;
        byte[] bytes = new byte[count * recordBytes];
        for (int i = 0; i < count; i++) {
            int at = i * recordBytes;
            bytes[at] = (byte) (fine(i) % 20);
            bytes[at + 1] = (byte) fine(i);
            for (int p = 0; p < ImageStore.IMAGE_BYTES; p++) {
                bytes[at + 2 + p] = (byte) Math.min(255, fine(i) * 2 + random.nextInt(40));
            }
        }
        return bytes;
    }

    private static String names(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "_" + i).collect(Collectors.joining("\n", "", "\n"));
    }
}
