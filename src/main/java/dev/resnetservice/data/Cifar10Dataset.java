package dev.resnetservice.data;

import java.util.List;

/** CIFAR-10's two splits held in memory, with the class name of each label 0..9. */
public record Cifar10Dataset(ImageStore train, ImageStore test, List<String> classes) {

    public Cifar10Dataset {
        if (classes.size() != Cifar10Reader.CLASS_COUNT) {
            throw new IllegalArgumentException(
                    "classes need " + Cifar10Reader.CLASS_COUNT + " names, got " + classes);
        }
        classes = List.copyOf(classes);
    }
}
