package dev.resnetservice.data;

import java.util.List;

/**
 * Reads the CIFAR-100 binary version: {@code train.bin} and {@code test.bin}, each record a coarse
 * label byte (20 super-classes), a fine label byte (100 classes) and 3,072 pixel bytes, with the
 * class names in {@code fine_label_names.txt} and {@code coarse_label_names.txt}.
 */
public final class Cifar100Reader {

    public static final String FOLDER_NAME = "cifar-100-binary";
    public static final String TRAIN_FILE = "train.bin";
    public static final String TEST_FILE = "test.bin";
    public static final String FINE_NAMES = "fine_label_names.txt";
    public static final String COARSE_NAMES = "coarse_label_names.txt";
    public static final List<String> MEMBERS = List.of(TRAIN_FILE, TEST_FILE, FINE_NAMES, COARSE_NAMES);
    public static final int FINE_CLASSES = 100;
    public static final int COARSE_CLASSES = 20;

    private Cifar100Reader() {
    }

    /** The fine labels (100 classes), or with {@code coarse} the 20 super-classes. */
    public static ImageDataset read(java.nio.file.Path folder, boolean coarse) {
        Cifar10Reader.requireFolder(folder, CifarArchive.CIFAR100);
        int classes = coarse ? COARSE_CLASSES : FINE_CLASSES;
        Cifar10Reader.Layout layout = new Cifar10Reader.Layout(2, coarse ? 0 : 1, classes);
        List<String> names = Cifar10Reader.readClasses(folder.resolve(coarse ? COARSE_NAMES : FINE_NAMES), classes, null);
        return new ImageDataset(Cifar10Reader.readSplit(folder, List.of(TRAIN_FILE), layout),
                Cifar10Reader.readSplit(folder, List.of(TEST_FILE), layout), names);
    }
}
