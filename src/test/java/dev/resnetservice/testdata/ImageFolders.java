package dev.resnetservice.testdata;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Image folders as people have them: one folder per class, PNG and JPEG files of mixed sizes. The
 * classes are learnable in a few epochs: each is a dominant colour under noise and a darker patch.
 */
public final class ImageFolders {

    public static final List<String> CLASSES = List.of("blue", "green", "red");
    private static final int[] CHANNEL = {2, 1, 0}; // blue, green, red: which of R, G, B dominates

    private ImageFolders() {
    }

    /** {@code <root>/<class>/<i>.png|jpg}, {@code perClass} files each. */
    public static Path flat(Path root, int perClass, long seed) {
        Random random = new Random(seed);
        for (int c = 0; c < CLASSES.size(); c++) {
            write(root.resolve(CLASSES.get(c)), c, perClass, random);
        }
        return root;
    }

    /** {@code <root>/train/<class>/...} and {@code <root>/test/<class>/...}. */
    public static Path split(Path root, int trainPerClass, int testPerClass, long seed) {
        Random random = new Random(seed);
        for (int c = 0; c < CLASSES.size(); c++) {
            write(root.resolve("train").resolve(CLASSES.get(c)), c, trainPerClass, random);
            write(root.resolve("test").resolve(CLASSES.get(c)), c, testPerClass, random);
        }
        return root;
    }

    /** One image of class {@code c} ({@link #CLASSES} index) at the given size. */
    public static BufferedImage image(int c, int width, int height, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int patchX = random.nextInt(Math.max(1, width / 2));
        int patchY = random.nextInt(Math.max(1, height / 2));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean patch = x >= patchX && x < patchX + width / 3 && y >= patchY && y < patchY + height / 3;
                int[] rgb = new int[3];
                for (int channel = 0; channel < 3; channel++) {
                    int base = channel == CHANNEL[c] ? 200 : 60;
                    rgb[channel] = Math.max(0, Math.min(255, (patch ? base / 2 : base) + random.nextInt(61) - 30));
                }
                image.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
            }
        }
        return image;
    }

    private static void write(Path dir, int c, int count, Random random) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < count; i++) {
                BufferedImage image = image(c, 16 + random.nextInt(80), 16 + random.nextInt(80), random);
                String format = i % 2 == 0 ? "png" : "jpg";
                ImageIO.write(image, format, dir.resolve(i + "." + format).toFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
