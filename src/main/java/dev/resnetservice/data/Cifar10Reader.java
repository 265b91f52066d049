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
        requireFolder(folder, CifarArchive.CIFAR10);
        Layout layout = new Layout(1, 0, CLASS_COUNT);
        ImageStore train = readSplit(folder, TRAIN_FILES, layout);
        ImageStore test = readSplit(folder, List.of(TEST_FILE), layout);
        return new ImageDataset(train, test, readClasses(folder.resolve(META_FILE), CLASS_COUNT, STANDARD_CLASSES));
    }

    /**
     * Where a record's label is: {@code labelBytes} before the 3,072 pixel bytes, the one at
     * {@code labelIndex} counted, below {@code classes}.
     */
    public record Layout(int labelBytes, int labelIndex, int classes) {
        /** An imported data set's records: CIFAR-10's, with its own class count. */
        public static Layout imported(int classes) {
            return new Layout(1, 0, classes);
        }

        int recordBytes() {
            return labelBytes + ImageStore.IMAGE_BYTES;
        }
    }

    static void requireFolder(Path folder, CifarArchive archive) {
        if (!Files.exists(folder)) {
            throw new DatasetException("missing folder " + folder + ": fill it with the " + archive.title()
                    + " binary files from " + archive.url());
        }
        if (!Files.isDirectory(folder)) {
            throw new DatasetException(folder + " is not a folder: expected one holding the " + archive.title()
                    + " binary files from " + archive.url());
        }
    }

    /**
     * Records in this layout from {@code names} under {@code folder}. Sizes every file first so that
     * the split lands in one array, with no per-image objects.
     */
    public static ImageStore readSplit(Path folder, List<String> names, Layout layout) {
        long[] counts = new long[names.size()];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = recordCount(folder, folder.resolve(names.get(i)), layout.recordBytes());
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
            copyRecords(folder.resolve(names.get(i)), (int) counts[i], pixels, labels, first, layout);
            first += (int) counts[i];
        }
        return new ImageStore(pixels, labels);
    }

    private static long recordCount(Path folder, Path file, int recordBytes) {
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
            throw new DatasetException(format("%s: empty, expected records of %,d bytes (%d label byte(s) + %,d pixel bytes)",
                    file, recordBytes, recordBytes - ImageStore.IMAGE_BYTES, ImageStore.IMAGE_BYTES));
        }
        if (bytes % recordBytes != 0) {
            throw new DatasetException(format("%s: %,d bytes is not a multiple of %,d (%d label byte(s) + %,d pixel bytes"
                    + " per record)", file, bytes, recordBytes, recordBytes - ImageStore.IMAGE_BYTES, ImageStore.IMAGE_BYTES));
        }
        return bytes / recordBytes;
    }

    private static void copyRecords(Path file, int count, byte[] pixels, byte[] labels, int first, Layout layout) {
        int recordBytes = layout.recordBytes();
        int classes = layout.classes();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (bytes.length != count * recordBytes) {
            throw new DatasetException(format("%s: changed while being read, %,d bytes instead of %,d",
                    file, bytes.length, count * recordBytes));
        }
        for (int record = 0; record < count; record++) {
            int at = record * recordBytes;
            int label = Byte.toUnsignedInt(bytes[at + layout.labelIndex()]);
            if (label >= classes) {
                throw new DatasetException(format("%s: record %d has label %d, expected 0..%d",
                        file, record, label, classes - 1));
            }
            labels[first + record] = (byte) label;
            System.arraycopy(bytes, at + layout.labelBytes(), pixels, (first + record) * ImageStore.IMAGE_BYTES,
                    ImageStore.IMAGE_BYTES);
        }
    }

    /** Class names, one a line (blank lines ignored); {@code defaults} when the file is missing, if given. */
    static List<String> readClasses(Path meta, int count, List<String> defaults) {
        if (!Files.exists(meta) && defaults != null) {
            return defaults;
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
        if (names.size() != count) {
            throw new DatasetException(format("%s: %d class names, expected %d (one a line, blank lines ignored)",
                    meta, names.size(), count));
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
