package dev.resnetservice.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads the CIFAR-10 binary version (https://www.cs.toronto.edu/~kriz/cifar.html): each record is
 * one label byte then 3,072 pixel bytes, the red, green and blue 32x32 planes in turn.
 */
public final class Cifar10Reader {

    public static final String ARCHIVE_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    /** The folder the archive unpacks into; the service keeps it under {@code <home>/datasets}. */
    public static final String FOLDER_NAME = "cifar-10-batches-bin";
    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    /** Optional: class names, one a line. */
    public static final String META_FILE = "batches.meta.txt";
    /** The files that must be in the folder. */
    public static final List<String> BATCH_FILES = Stream.concat(TRAIN_FILES.stream(), Stream.of(TEST_FILE)).toList();
    /** Every file of the folder this reader uses. */
    public static final List<String> MEMBERS = Stream.concat(BATCH_FILES.stream(), Stream.of(META_FILE)).toList();
    public static final List<String> STANDARD_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    public static final int CLASS_COUNT = 10;
    public static final int RECORD_BYTES = 1 + ImageStore.IMAGE_BYTES;

    // A store is one byte array, so its pixels must fit in an int index.
    private static final int MAX_RECORDS = Integer.MAX_VALUE / ImageStore.IMAGE_BYTES;

    private Cifar10Reader() {
    }

    public static ImageDataset read(Path folder) {
        if (!Files.exists(folder)) {
            throw new DatasetException(
                    "missing folder " + folder + ": fill it with the CIFAR-10 binary files from " + ARCHIVE_URL);
        }
        if (!Files.isDirectory(folder)) {
            throw new DatasetException(
                    folder + " is not a folder: expected one holding the CIFAR-10 binary files from " + ARCHIVE_URL);
        }
        ImageStore train = readSplit(folder, TRAIN_FILES, CLASS_COUNT);
        ImageStore test = readSplit(folder, List.of(TEST_FILE), CLASS_COUNT);
        return new ImageDataset(train, test, readClasses(folder.resolve(META_FILE)));
    }

    /**
     * Records in this layout from {@code names} under {@code folder}, labels below {@code classes}.
     * Sizes every file first so that the split lands in one array, with no per-image objects.
     */
    public static ImageStore readSplit(Path folder, List<String> names, int classes) {
        long[] counts = new long[names.size()];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = recordCount(folder, folder.resolve(names.get(i)));
            total += counts[i];
        }
        if (total > MAX_RECORDS) {
            throw new DatasetException(format("%s: %,d records in %s, at most %,d fit in memory",
                    folder, total, names, MAX_RECORDS));
        }
        byte[] pixels = new byte[(int) total * ImageStore.IMAGE_BYTES];
        byte[] labels = new byte[(int) total];
        int first = 0;
        for (int i = 0; i < counts.length; i++) {
            copyRecords(folder.resolve(names.get(i)), (int) counts[i], pixels, labels, first, classes);
            first += (int) counts[i];
        }
        return new ImageStore(pixels, labels);
    }

    private static long recordCount(Path folder, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(
                    "missing " + file + ": fill " + folder + " with the binary files of CIFAR-10 (" + ARCHIVE_URL
                            + ") or import the data set again");
        }
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (bytes == 0) {
            throw new DatasetException(format("%s: empty, expected records of %,d bytes (1 label byte + %,d pixel bytes)",
                    file, RECORD_BYTES, ImageStore.IMAGE_BYTES));
        }
        if (bytes % RECORD_BYTES != 0) {
            throw new DatasetException(format("%s: %,d bytes is not a multiple of %,d (1 label byte + %,d pixel bytes per record)",
                    file, bytes, RECORD_BYTES, ImageStore.IMAGE_BYTES));
        }
        return bytes / RECORD_BYTES;
    }

    private static void copyRecords(Path file, int count, byte[] pixels, byte[] labels, int first, int classes) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (bytes.length != count * RECORD_BYTES) {
            throw new DatasetException(format("%s: changed while being read, %,d bytes instead of %,d",
                    file, bytes.length, count * RECORD_BYTES));
        }
        for (int record = 0; record < count; record++) {
            int at = record * RECORD_BYTES;
            int label = Byte.toUnsignedInt(bytes[at]);
            if (label >= classes) {
                throw new DatasetException(format("%s: record %d has label %d, expected 0..%d",
                        file, record, label, classes - 1));
            }
            labels[first + record] = (byte) label;
            System.arraycopy(bytes, at + 1, pixels, (first + record) * ImageStore.IMAGE_BYTES, ImageStore.IMAGE_BYTES);
        }
    }

    private static List<String> readClasses(Path meta) {
        if (!Files.exists(meta)) {
            return STANDARD_CLASSES;
        }
        List<String> names;
        try {
            names = Files.readAllLines(meta, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(name -> !name.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw unreadable(meta, e);
        }
        if (names.size() != CLASS_COUNT) {
            throw new DatasetException(format("%s: %d class names, expected %d (one a line, blank lines ignored)",
                    meta, names.size(), CLASS_COUNT));
        }
        return names;
    }

    private static DatasetException unreadable(Path file, IOException e) {
        return new DatasetException(file + ": cannot be read (" + e + ")", e);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
