package dev.resnetservice.datasets;

import dev.resnetservice.data.Datasets;
import dev.resnetservice.inference.DecodedImage;
import dev.resnetservice.inference.ImageDecoder;
import dev.resnetservice.inference.ImageRejectedException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Converts an image folder once into the uint8 records jobs read ({@code train.bin}, {@code
 * test.bin}: a label byte and 3,072 CHW pixel bytes each, CIFAR-10's layout), decoding and resizing
 * with the code /predict uses, so training and serving see the same pixels. Files are decoded a
 * chunk at a time on every core and written in order; what cannot be decoded is skipped and listed.
 */
final class ImageFolderImport {

    private static final int CHUNK = 256;
    private static final long MAX_FILE_BYTES = 64L << 20;

    private final ImageDecoder decoder;

    ImageFolderImport(ImageDecoder decoder) {
        this.decoder = decoder;
    }

    /** A decoded image or the reason it was skipped. */
    private record Outcome(ImageFolder.Image image, DecodedImage decoded, String skipped) {
    }

    /** Writes the records into {@code target}; {@code progress} gets the number of files read so far. */
    DatasetInfo.ImportResult run(ImageFolder folder, Path target, IntConsumer progress) throws IOException {
        int classes = folder.classes().size();
        int[][] counts = new int[2][classes];
        ChannelStatistics statistics = new ChannelStatistics();
        List<DatasetInfo.Skipped> skipped = new ArrayList<>(folder.skipped());
        int done = 0;
        List<List<ImageFolder.Image>> splits = List.of(folder.train(), folder.test());
        for (int split = 0; split < 2; split++) {
            Path file = target.resolve(split == 0 ? Datasets.IMPORTED_TRAIN : Datasets.IMPORTED_TEST);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                List<ImageFolder.Image> images = splits.get(split);
                for (int from = 0; from < images.size(); from += CHUNK) {
                    List<Outcome> outcomes = images.subList(from, Math.min(from + CHUNK, images.size()))
                            .parallelStream().map(this::decode).toList();
                    for (Outcome outcome : outcomes) {
                        if (outcome.decoded() == null) {
                            skipped.add(new DatasetInfo.Skipped(outcome.image().name(), outcome.skipped()));
                            continue;
                        }
                        out.write(outcome.image().label());
                        out.write(outcome.decoded().pixels());
                        counts[split][outcome.image().label()]++;
                        if (split == 0) {
                            statistics.add(outcome.decoded().pixels());
                        }
                    }
                    done += outcomes.size();
                    progress.accept(done);
                }
            }
            force(file);
        }
        List<DatasetInfo.ClassCounts> classCounts = new ArrayList<>();
        for (int label = 0; label < classes; label++) {
            String name = folder.classes().get(label);
            if (counts[0][label] == 0 || counts[1][label] == 0) {
                throw new ImportFailedException("class '" + name + "' has no readable " + (counts[0][label] == 0
                        ? "training" : "test") + " image left (see skipped)", skipped);
            }
            classCounts.add(new DatasetInfo.ClassCounts(name, counts[0][label], counts[1][label]));
        }
        int train = classCounts.stream().mapToInt(DatasetInfo.ClassCounts::train).sum();
        int test = classCounts.stream().mapToInt(DatasetInfo.ClassCounts::test).sum();
        return new DatasetInfo.ImportResult(classCounts, new DatasetInfo.Counts(train, test), statistics.normalization(),
                skipped);
    }

    private Outcome decode(ImageFolder.Image image) {
        try {
            long size = Files.size(image.file());
            if (size > MAX_FILE_BYTES) {
                return new Outcome(image, null, "larger than " + (MAX_FILE_BYTES >> 20) + " MB");
            }
            return new Outcome(image, decoder.decode(image.name(), Files.readAllBytes(image.file())), null);
        } catch (ImageRejectedException e) {
            return new Outcome(image, null, e.getMessage());
        } catch (IOException e) {
            return new Outcome(image, null, "cannot be read: " + e.getMessage());
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** An import that produced no usable data set; what was skipped so far is kept for the user. */
    static final class ImportFailedException extends RuntimeException {
        final List<DatasetInfo.Skipped> skipped;

        ImportFailedException(String message, List<DatasetInfo.Skipped> skipped) {
            super(message);
            this.skipped = List.copyOf(skipped);
        }
    }
}
