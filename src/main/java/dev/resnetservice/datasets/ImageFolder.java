package dev.resnetservice.datasets;

import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.web.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An image folder as torchvision's ImageFolder reads it: {@code <root>/train/<class>/...} and
 * {@code <root>/test/<class>/...}, or {@code <root>/<class>/...} split by a seeded {@code testSplit}
 * per class. Class names are the folder names, sorted; a label is a class's index. Checked before a
 * pixel is read, naming what is wrong; links are never followed.
 */
record ImageFolder(List<String> classes, List<Image> train, List<Image> test, List<DatasetInfo.Skipped> skipped) {

    record Image(Path file, String name, int label) {
    }

    int files() {
        return train.size() + test.size();
    }

    static ImageFolder scan(Path root, double testSplit, long seed, int maxFiles) {
        List<DatasetInfo.Skipped> skipped = new ArrayList<>();
        Path trainDir = root.resolve("train");
        Path testDir = root.resolve("test");
        if (Files.isDirectory(trainDir, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(testDir, LinkOption.NOFOLLOW_LINKS)) {
            Map<String, List<Path>> train = classFiles(root, trainDir, maxFiles, skipped);
            Map<String, List<Path>> test = classFiles(root, testDir, maxFiles, skipped);
            List<String> classes = classes(train);
            for (String name : classes) {
                if (!test.containsKey(name) || test.get(name).isEmpty()) {
                    throw new InvalidRequestException("path", "class '" + name + "' has no test images (test/" + name + ")");
                }
            }
            for (String name : test.keySet()) {
                if (!train.containsKey(name)) {
                    throw new InvalidRequestException("path", "class '" + name + "' is in test/ but not in train/");
                }
            }
            return new ImageFolder(classes, images(root, train, classes, seed), images(root, test, classes, seed), skipped);
        }
        Map<String, List<Path>> all = classFiles(root, root, maxFiles, skipped);
        List<String> classes = classes(all);
        Map<String, List<Path>> train = new TreeMap<>();
        Map<String, List<Path>> test = new TreeMap<>();
        Random random = new Random(seed);
        for (String name : classes) {
            List<Path> files = new ArrayList<>(all.get(name));
            if (files.size() < 2) {
                throw new InvalidRequestException("path", "class '" + name + "' has 1 file: a class needs at least 2"
                        + " to give the test split one (or use train/ and test/ folders)");
            }
            Collections.shuffle(files, random);
            int testCount = Math.max(1, (int) Math.round(files.size() * testSplit));
            testCount = Math.min(testCount, files.size() - 1);
            test.put(name, files.subList(0, testCount));
            train.put(name, files.subList(testCount, files.size()));
        }
        return new ImageFolder(classes, images(root, train, classes, seed), images(root, test, classes, seed), skipped);
    }

    /** The sorted class names, checked: at least two, none empty, at most as many as a label byte holds. */
    private static List<String> classes(Map<String, List<Path>> byClass) {
        List<String> classes = List.copyOf(byClass.keySet());
        if (classes.size() < 2) {
            throw new InvalidRequestException("path", "found " + classes.size() + " class folder(s) " + classes
                    + ": a data set needs at least two, one folder of images per class");
        }
        if (classes.size() > ImageDataset.MAX_CLASSES) {
            throw new InvalidRequestException("path", classes.size() + " class folders, at most "
                    + ImageDataset.MAX_CLASSES);
        }
        for (String name : classes) {
            if (byClass.get(name).isEmpty()) {
                throw new InvalidRequestException("path", "class '" + name + "' has no images (PNG, JPEG, BMP or GIF)");
            }
        }
        return classes;
    }

    /** The files under each class folder of {@code dir}, sorted; what is not a plain file in a class folder is skipped. */
    private static Map<String, List<Path>> classFiles(Path root, Path dir, int maxFiles, List<DatasetInfo.Skipped> skipped) {
        Map<String, List<Path>> byClass = new TreeMap<>();
        int[] count = {0};
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (Files.isSymbolicLink(entry)) {
                    skipped.add(new DatasetInfo.Skipped(relative(root, entry), "a link: links are not followed"));
                } else if (name.startsWith(".")) {
                    skipped.add(new DatasetInfo.Skipped(relative(root, entry), "hidden"));
                } else if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    skipped.add(new DatasetInfo.Skipped(relative(root, entry), "not in a class folder"));
                } else {
                    byClass.put(name, files(root, entry, maxFiles, count, skipped));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return byClass;
    }

    private static List<Path> files(Path root, Path classDir, int maxFiles, int[] count, List<DatasetInfo.Skipped> skipped)
            throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(classDir)) { // links are not followed
            for (Path file : (Iterable<Path>) walk.sorted()::iterator) {
                if (file.equals(classDir) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (Files.isSymbolicLink(file)) {
                    skipped.add(new DatasetInfo.Skipped(relative(root, file), "a link: links are not followed"));
                } else if (file.getFileName().toString().startsWith(".")) {
                    skipped.add(new DatasetInfo.Skipped(relative(root, file), "hidden"));
                } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // a device or a pipe: nothing to read
                } else if (!looksLikeImage(file)) {
                    skipped.add(new DatasetInfo.Skipped(relative(root, file), "not an image (PNG, JPEG, BMP or GIF)"));
                } else {
                    if (++count[0] > maxFiles) {
                        throw new InvalidRequestException("path", "more than " + maxFiles
                                + " files (resnet.datasets.max-files)");
                    }
                    files.add(file);
                }
            }
        }
        return files;
    }

    /** Every class's images, mixed in a seeded order: a job's limitTrain then takes some of every class. */
    /** By the first bytes: PNG, JPEG, GIF or BMP. Cheap, so a folder without images is a 400 before decoding. */
    private static boolean looksLikeImage(Path file) throws IOException {
        byte[] head = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        }
        int b0 = read > 0 ? head[0] & 0xff : -1;
        int b1 = read > 1 ? head[1] & 0xff : -1;
        return b0 == 0x89 && b1 == 'P' || b0 == 0xff && b1 == 0xd8 || b0 == 'G' && b1 == 'I' || b0 == 'B' && b1 == 'M';
    }

    private static List<Image> images(Path root, Map<String, List<Path>> byClass, List<String> classes, long seed) {
        List<Image> images = new ArrayList<>();
        byClass.forEach((name, files) -> files.forEach(
                file -> images.add(new Image(file, relative(root, file), classes.indexOf(name)))));
        Collections.shuffle(images, new Random(seed));
        return images;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString();
    }
}
