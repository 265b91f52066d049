package dev.resnetservice.data;

import java.util.List;

/** A data set's two splits held in memory, with the class name of each label. */
public record ImageDataset(ImageStore train, ImageStore test, List<String> classes) {

    /** Labels are one byte, as in the CIFAR-10 records. */
    public static final int MAX_CLASSES = 256;

    public ImageDataset {
        if (classes.size() < 2 || classes.size() > MAX_CLASSES) {
            throw new IllegalArgumentException("a data set needs 2 to " + MAX_CLASSES + " classes, got " + classes);
        }
        classes = List.copyOf(classes);
    }
}
