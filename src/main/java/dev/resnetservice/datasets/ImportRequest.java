package dev.resnetservice.datasets;

import dev.resnetservice.web.InvalidRequestException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * POST /datasets with JSON: import the image folder at {@code path} (a server folder under
 * resnet.datasets.roots) as {@code name}. Without train/ and test/ folders, {@code testSplit} of each
 * class (at least one image) goes to the test split, chosen by {@code seed}.
 */
public record ImportRequest(String name, String format, String path, Double testSplit, Long seed) {

    public static final String IMAGEFOLDER = "imagefolder";
    /** Lower case, digits, '-' and '_': a name is also a folder name, so nothing else gets near a path. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public ImportRequest {
        requireName(name);
        format = Objects.requireNonNullElse(format, IMAGEFOLDER);
        if (!IMAGEFOLDER.equals(format)) {
            throw new InvalidRequestException("format", "'" + format + "' cannot be imported from a folder; expected "
                    + IMAGEFOLDER + " (CIFAR-10 binary folders are named by a job's dataset.path)");
        }
        if (path == null || path.isBlank()) {
            throw new InvalidRequestException("path", "required: the server folder holding one folder of images per class");
        }
        testSplit = Objects.requireNonNullElse(testSplit, 0.2);
        if (!(testSplit > 0 && testSplit < 1)) {
            throw new InvalidRequestException("testSplit", "must be between 0 and 1 (exclusive), got " + testSplit);
        }
        seed = Objects.requireNonNullElse(seed, 0L);
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static void requireName(String name) {
        if (!validName(name)) {
            throw new InvalidRequestException("name", "'" + name + "' is not a data set name: 1 to 63 of a-z, 0-9, '-'"
                    + " and '_', starting with a letter or digit");
        }
    }
}
