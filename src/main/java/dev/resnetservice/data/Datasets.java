package dev.resnetservice.data;

import dev.resnetservice.ResnetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Finds a job's data: a folder it names, or the home folder's CIFAR-10, fetched on first use
 * when downloads are allowed. The last data set read stays in memory, since jobs mostly train
 * on the same one.
 */
@ApplicationScoped
public class Datasets {

    /** An imported data set's records, in CIFAR-10's layout. */
    public static final String IMPORTED_TRAIN = "train.bin";
    public static final String IMPORTED_TEST = "test.bin";

    private final Path datasetsDir;
    private final boolean download;
    private final URI url;
    private String cachedKey;
    private ImageDataset cached;

    public Datasets(ResnetConfig config) {
        this.datasetsDir = config.home().toAbsolutePath().normalize().resolve("datasets");
        this.download = config.dataset().download();
        this.url = config.dataset().url();
    }

    public Path defaultFolder() {
        return datasetsDir.resolve(Cifar10Reader.FOLDER_NAME);
    }

    /**
     * Fails fast, at submit time, for data that cannot be had: a named folder that is missing, or
     * no default data with downloads off.
     */
    public void checkAvailable(String path) {
        if (path != null) {
            Path folder = Path.of(path);
            if (!Files.isDirectory(folder)) {
                throw new DatasetException("no folder " + path
                        + ": dataset.path must name a folder with the CIFAR-10 binary files");
            }
        } else if (!Files.isDirectory(defaultFolder()) && !download) {
            throw new DatasetException(missingMessage());
        }
    }

    /** Reads the data (downloading the default data set first when it is missing and allowed). */
    public synchronized ImageDataset load(String path) {
        Path folder = folder(path);
        if (path == null && !folder.toString().equals(cachedKey) && !Files.isRegularFile(folder.resolve(Cifar10Reader.TEST_FILE))) {
            if (!download) {
                throw new DatasetException(missingMessage());
            }
            new Cifar10Downloader(url, Cifar10Downloader.ARCHIVE_MD5, Cifar10Downloader.ARCHIVE_BYTES)
                    .download(datasetsDir);
        }
        return read(folder);
    }

    /** Reads the data only if it is on disk: for looking at a job's images, never a reason to download. */
    public synchronized ImageDataset loadPresent(String path) {
        return read(folder(path));
    }

    private Path folder(String path) {
        return path == null ? defaultFolder() : Path.of(path).toAbsolutePath().normalize();
    }

    private ImageDataset read(Path folder) {
        return cache(folder.toString(), () -> Cifar10Reader.read(folder));
    }

    /**
     * An imported data set ({@code train.bin}, {@code test.bin}) with its class names. Cached by
     * folder and write time: a data set deleted and imported again under its name is read again.
     */
    public synchronized ImageDataset loadImported(Path folder, List<String> classes) {
        Path train = folder.resolve(IMPORTED_TRAIN);
        String key;
        try {
            key = folder + "@" + Files.getLastModifiedTime(train);
        } catch (IOException e) {
            throw new DatasetException("the data set in " + folder + " has no " + IMPORTED_TRAIN + ": import it again", e);
        }
        return cache(key, () -> new ImageDataset(Cifar10Reader.readSplit(folder, List.of(IMPORTED_TRAIN), classes.size()),
                Cifar10Reader.readSplit(folder, List.of(IMPORTED_TEST), classes.size()), classes));
    }

    private ImageDataset cache(String key, Supplier<ImageDataset> read) {
        if (!key.equals(cachedKey)) {
            cachedKey = null;
            cached = read.get();
            cachedKey = key;
        }
        return cached;
    }

    private String missingMessage() {
        return "no CIFAR-10 data in " + defaultFolder() + " and downloads are off (resnet.dataset.download=false):"
                + " fill that folder with the files of " + url + " or allow downloads";
    }
}
